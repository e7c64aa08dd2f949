import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/realtime/events';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const open = new Set<ClientSocket>();

/**
 * The client transports of the tests: the library's defaults (HTTP long-polling, then the
 * upgrade to WebSocket), or WebSocket only when `TEST_SOCKET_TRANSPORTS=websocket` (the
 * realtime suite runs both ways).
 */
export const testTransports = (): { transports?: string[] } => (process.env.TEST_SOCKET_TRANSPORTS === 'websocket' ? { transports: ['websocket'] } : {});

/** A connected socket.io client (see testTransports); rejects with the connect_error message. */
export function connectSocket(url: string, token: string | undefined, options: { reconnection?: boolean } = {}): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    auth: token === undefined ? {} : { token },
    ...testTransports(),
    reconnection: options.reconnection ?? false,
    forceNew: true,
    timeout: 5000,
  });
  open.add(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      if (!options.reconnection) socket.close();
      reject(error);
    });
  });
}

/** Emits an event and resolves with its ack (rejects after `timeout` ms without one). */
export function emitAck<T = any>(socket: ClientSocket, event: keyof ClientToServerEvents, payload: unknown, timeout = 5000): Promise<T> {
  return (socket.timeout(timeout) as any).emitWithAck(event, payload) as Promise<T>;
}

/** Resolves with the first `event` whose payload satisfies `match`. */
export function waitForEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeout = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const handler = (payload: any): void => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, handler as any);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event, handler as any);
      reject(new Error(`no ${String(event)} within ${timeout} ms`));
    }, timeout);
    socket.on(event, handler as any);
  });
}

/** Records every event a socket receives (for "a stranger sees none of them" checks). */
export function recordEvents(socket: ClientSocket): Array<{ event: string; payload: unknown }> {
  const seen: Array<{ event: string; payload: unknown }> = [];
  socket.onAny((event: string, payload: unknown) => seen.push({ event, payload }));
  return seen;
}

export function closeAllSockets(): void {
  for (const socket of open) socket.close();
  open.clear();
}
