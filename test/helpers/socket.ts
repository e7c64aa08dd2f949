import { io, type Socket } from 'socket.io-client';
import type { AckFields, ClientEventName, ClientPayload, ClientToServerEvents, ErrorAck, ServerToClientEvents } from '../../src/realtime/events';

/** A test client: the contract's generics, reversed (it emits what the server listens to). */
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

/**
 * An ack as a test reads it: `ok`, the success fields of the event typed as present (a
 * test asserts `ok` before reading them) and `error` when it failed.
 */
export type TestAck<E extends ClientEventName> = AckFields<E> & { ok: boolean; error?: ErrorAck['error'] };

/** Emits a contract event with a payload of its type and resolves with its ack (rejects after `timeout` ms without one). */
export function emitAck<E extends ClientEventName>(socket: ClientSocket, event: E, payload: ClientPayload<E>, timeout = 5000): Promise<TestAck<E>> {
  return emitUncheckedAck(socket, event, payload, timeout) as Promise<TestAck<E>>;
}

/** Emits any event name with any payload (malformed input on purpose) and resolves with the ack. */
export function emitUncheckedAck(socket: ClientSocket, event: string, payload: unknown, timeout = 5000): Promise<any> {
  return (socket.timeout(timeout) as any).emitWithAck(event, payload);
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
