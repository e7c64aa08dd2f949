/**
 * Who is signed in and the one Socket.IO connection. The token lives in sessionStorage
 * (per tab, gone when the tab closes). With Clerk, put `await clerk.session.getToken()`
 * here instead (see docs/WEB-CLIENT.md).
 */
import { io, type Socket } from 'socket.io-client';
import type { Ack, AckSuccess, ClientEventName, ClientPayload, ClientToServerEvents, ServerToClientEvents, Timer, User } from './types';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const TOKEN_KEY = 'studysync.token';

export const session: {
  token: string | null;
  me: User | null;
  socket: AppSocket | null;
  myTimer: Timer | null;
  /** When `myTimer` arrived (this device's clock, ms): its `focusSeconds` is as of then. */
  myTimerAt: number;
  onUnauthenticated?: () => void;
} = { token: sessionStorage.getItem(TOKEN_KEY), me: null, socket: null, myTimer: null, myTimerAt: 0 };

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
    const part = token?.split('.')[1];
    if (!part) return null;
    const payload = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
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
const connectionListeners = new Set<Listener>();

/**
 * What the user is told about the live connection:
 * - `connecting`: the first connect of this sign-in;
 * - `live`: connected, events flowing;
 * - `reconnecting`: the connection dropped a moment ago and socket.io is retrying;
 * - `offline`: the browser is offline, or the server has not answered a few retries
 *   (retrying goes on in the background; "Retry now" retries at once).
 * Anything shown while not `live` may be out of date: views mark presence and peers'
 * clocks stale, and refresh everything from the server on reconnect.
 */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';
export const connection: { state: ConnectionState } = { state: 'connecting' };

export function onConnection(fn: Listener): () => void {
  connectionListeners.add(fn);
  return () => connectionListeners.delete(fn);
}

function setConnection(state: ConnectionState): void {
  if (connection.state === state) return;
  connection.state = state;
  for (const fn of connectionListeners) fn();
}

/** After this many failed reconnect attempts in a row, "Reconnecting…" becomes "Offline". */
const OFFLINE_AFTER_FAILURES = 2;

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
  session.myTimerAt = Date.now();
  for (const fn of timerListeners) fn();
}

/** Subscribes to a server event; returns the unsubscribe function. */
export function listen<E extends keyof ServerToClientEvents>(event: E, fn: ServerToClientEvents[E]): () => void {
  // As in emit(): Socket.IO's types cannot resolve a generic event name; the signature above is the contract's.
  const socket: Socket | null = session.socket;
  const name: string = event;
  if (!socket) return () => undefined;
  socket.on(name, fn);
  return () => socket.off(name, fn);
}

/** Emits a contract event with an ack; resolves with the success ack, rejects with its error (or a timeout when disconnected). */
export function emit<E extends ClientEventName>(event: E, payload: ClientPayload<E>, timeoutMs = 8000): Promise<AckSuccess<E>> {
  // Socket.IO's conditional types cannot be resolved for a generic event name: the call
  // goes through the socket seen with untyped events (the signature above is the contract's).
  const socket: Socket | null = session.socket;
  return new Promise((resolve, reject) => {
    if (!socket) return reject(new Error('Not connected'));
    socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, ack: Ack<E>) => {
      if (err) return reject(new Error('The server did not answer (connection lost?)'));
      if (ack.ok) resolve(ack);
      else reject(Object.assign(new Error(ack.error.message), { code: ack.error.code }));
    });
  });
}

/**
 * The one socket of this sign-in. `banner` shows the connection state in words (with a
 * "Retry now" button while offline); `connection.state` drives the room's pill and the
 * stale marks. Returns a cleanup for the window listeners.
 */
export function connectSocket(banner: HTMLElement, onAuthFailure: () => void): AppSocket {
  const socket: AppSocket = io({ auth: (cb) => cb({ token: session.token }), transports: ['websocket', 'polling'] });
  session.socket = socket;
  let connectedBefore = false;
  let failures = 0;
  /** The last handshake was refused for too many open sockets (MAX_SOCKETS_PER_USER). */
  let rateLimited = false;
  const text = banner.appendChild(document.createElement('span'));
  const retry = banner.appendChild(document.createElement('button'));
  retry.type = 'button';
  retry.className = 'btn small ghost';
  retry.textContent = 'Retry now';
  retry.dataset.testid = 'retry-now';
  const retryNow = (): void => {
    if (session.socket !== socket || socket.connected) return;
    socket.disconnect();
    socket.connect();
  };
  retry.addEventListener('click', retryNow);
  const render = (): void => {
    const state = connection.state;
    banner.hidden = state === 'live' || state === 'connecting';
    banner.dataset.state = state;
    retry.hidden = state !== 'offline';
    text.textContent = rateLimited
      ? 'Too many open connections — close other StudySync tabs; retrying…'
      : state === 'offline'
        ? navigator.onLine
          ? 'Offline — StudySync cannot be reached. Still retrying; what you see may be out of date, and nothing you missed will be lost.'
          : 'Offline — this device has no network. StudySync reconnects by itself when it is back.'
        : 'Reconnecting… Live updates are paused; nothing you missed will be lost.';
  };
  const unsubscribe = onConnection(render);
  const goneOffline = (): void => {
    if (!socket.connected) setConnection('offline');
  };
  const backOnline = (): void => retryNow();
  window.addEventListener('offline', goneOffline);
  window.addEventListener('online', backOnline);
  socketCleanup = () => {
    unsubscribe();
    window.removeEventListener('offline', goneOffline);
    window.removeEventListener('online', backOnline);
  };
  setConnection('connecting');
  render();
  socket.on('connect', () => {
    failures = 0;
    rateLimited = false;
    setConnection('live');
    scheduleTokenRefresh(socket);
    if (connectedBefore) for (const fn of reconnectListeners) fn();
    connectedBefore = true;
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io client disconnect') return;
    // The server closed us (e.g. a node shutting down): socket.io does not retry by itself.
    if (reason === 'io server disconnect') setTimeout(() => session.socket === socket && !socket.connected && socket.connect(), 1000);
    setConnection(navigator.onLine ? 'reconnecting' : 'offline');
  });
  socket.on('connect_error', (err) => {
    if (err.message === 'UNAUTHENTICATED') {
      socket.disconnect();
      onAuthFailure();
      return;
    }
    failures += 1;
    rateLimited = err.message === 'RATE_LIMITED';
    setConnection(!navigator.onLine || failures >= OFFLINE_AFTER_FAILURES ? 'offline' : 'reconnecting');
    render();
  });
  socket.on('timer:state', ({ timer }) => setMyTimer(timer));
  return socket;
}

let socketCleanup: (() => void) | null = null;

export function disconnectSocket(): void {
  clearTimeout(refreshTimer);
  session.socket?.disconnect();
  session.socket = null;
  socketCleanup?.();
  socketCleanup = null;
  setConnection('connecting');
}
