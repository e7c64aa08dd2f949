/**
 * Who is signed in and the one Socket.IO connection. The token lives in sessionStorage
 * (per tab, gone when the tab closes). With Clerk, put `await clerk.session.getToken()`
 * here instead (see docs/WEB-CLIENT.md).
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, Timer, User } from './types';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const TOKEN_KEY = 'studysync.token';

export const session: {
  token: string | null;
  me: User | null;
  socket: AppSocket | null;
  myTimer: Timer | null;
  onUnauthenticated?: () => void;
} = { token: sessionStorage.getItem(TOKEN_KEY), me: null, socket: null, myTimer: null };

export function saveToken(token: string | null): void {
  session.token = token;
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * Where a fresh token comes from before the current one expires: the stored one by default
 * (dev tokens live 24 h, so there is nothing fresher); with Clerk, set
 * `tokenSource.fresh = () => clerk.session.getToken()`.
 */
export const tokenSource: { fresh: () => Promise<string | null> } = { fresh: async () => session.token };

/** The `exp` (ms) of a JWT, or null when it cannot be read. */
function tokenExpiry(token: string | null): number | null {
  try {
    const payload = JSON.parse(atob(token!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

let refreshTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * The server disconnects a socket when its token expires (API.md `auth:refresh`): 30 s
 * before that, hand it a fresh token. Without a fresher one, the session ends at expiry
 * and the reconnect's UNAUTHENTICATED signs the user out.
 */
function scheduleTokenRefresh(socket: AppSocket): void {
  clearTimeout(refreshTimer);
  const expiresAt = tokenExpiry(session.token);
  if (expiresAt === null) return;
  const delay = Math.min(Math.max(5_000, expiresAt - Date.now() - 30_000), 2_147_483_647);
  refreshTimer = setTimeout(async () => {
    if (session.socket !== socket) return;
    const token = await tokenSource.fresh().catch(() => null);
    if (!token || token === session.token) return;
    try {
      await emit('auth:refresh', { token });
      saveToken(token);
    } catch {
      // Refused: the server keeps the old deadline.
    }
    scheduleTokenRefresh(socket);
  }, delay);
}

type Listener = () => void;
const reconnectListeners = new Set<Listener>();
const timerListeners = new Set<Listener>();

/** Called after every reconnect (not the first connect): views re-join and catch up. */
export function onReconnect(fn: Listener): () => void {
  reconnectListeners.add(fn);
  return () => reconnectListeners.delete(fn);
}

export function onMyTimer(fn: Listener): () => void {
  timerListeners.add(fn);
  return () => timerListeners.delete(fn);
}

export function setMyTimer(timer: Timer | null): void {
  session.myTimer = timer;
  for (const fn of timerListeners) fn();
}

/** Subscribes to a server event; returns the unsubscribe function. */
export function listen<E extends keyof ServerToClientEvents>(event: E, fn: ServerToClientEvents[E]): () => void {
  const socket = session.socket;
  if (!socket) return () => undefined;
  socket.on(event, fn as never);
  return () => socket.off(event, fn as never);
}

/** Emits with an ack; rejects with the ack's error (or a timeout when disconnected). */
export function emit<T extends object>(event: keyof ClientToServerEvents, payload: unknown, timeoutMs = 8000): Promise<T> {
  const socket = session.socket;
  return new Promise((resolve, reject) => {
    if (!socket) return reject(new Error('Not connected'));
    (socket.timeout(timeoutMs) as unknown as { emit(e: string, p: unknown, cb: (err: unknown, res: unknown) => void): void }).emit(
      event,
      payload,
      (err, res) => {
        if (err) return reject(new Error('The server did not answer (connection lost?)'));
        const ack = res as { ok: boolean; error?: { code: string; message: string } } & T;
        if (ack?.ok) resolve(ack);
        else reject(Object.assign(new Error(ack?.error?.message ?? 'Failed'), { code: ack?.error?.code }));
      },
    );
  });
}

export function connectSocket(banner: HTMLElement, onAuthFailure: () => void): AppSocket {
  const socket: AppSocket = io({ auth: (cb) => cb({ token: session.token }), transports: ['websocket', 'polling'] });
  session.socket = socket;
  let connectedBefore = false;
  const show = (text: string | null): void => {
    banner.hidden = text === null;
    banner.textContent = text ?? '';
  };
  socket.on('connect', () => {
    show(null);
    scheduleTokenRefresh(socket);
    if (connectedBefore) for (const fn of reconnectListeners) fn();
    connectedBefore = true;
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io client disconnect') return;
    // The server closed us (e.g. a node shutting down): socket.io does not retry by itself.
    if (reason === 'io server disconnect') setTimeout(() => session.socket === socket && socket.connect(), 1000);
    show('Connection lost — reconnecting… Live updates are paused; nothing you missed will be lost.');
  });
  socket.on('connect_error', (err) => {
    if (err.message === 'UNAUTHENTICATED') {
      socket.disconnect();
      onAuthFailure();
      return;
    }
    show(err.message === 'RATE_LIMITED' ? 'Too many open connections — close other StudySync tabs; retrying…' : 'Cannot reach StudySync — retrying…');
  });
  socket.on('timer:state', ({ timer }) => setMyTimer(timer));
  return socket;
}

export function disconnectSocket(): void {
  clearTimeout(refreshTimer);
  session.socket?.disconnect();
  session.socket = null;
}
