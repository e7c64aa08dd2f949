import type { Socket } from 'socket.io';
import type { InfraContext } from '../lib/context';
import { toAppError } from '../lib/error-mapping';
import { AppError } from '../lib/errors';
import { componentLogger } from '../lib/logger';
import { type CountWindow, enforceTypingLimit, enforceWriteLimit, enforceWriteLimitAndWindow } from '../lib/rate-limit';
import { parseInput } from '../lib/validation';
import { clientEvents } from '../shared/contract/events';
import type { AckFields, ClientEventName, ClientToServerEvents, ErrorAck, InterServerEvents, ParsedPayload, ServerToClientEvents, SocketData } from './events';

export type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

type Respond = (response: unknown) => void;

/** The ack of a failed event: only the contract's `{code, message}` reach the client. */
export function errorAck(error: unknown): ErrorAck {
  const appError = toAppError(error);
  return { ok: false, error: { code: appError.code, message: appError.message } };
}

export interface HandleOptions {
  /**
   * The per-user limit the event counts against (checked first, before validation;
   * with `window`, see there): `writes` (shared with REST writes) or `typing`. Unset: not
   * limited.
   */
  limit?: 'writes' | 'typing';
  /**
   * With `limit: 'writes'`: a fixed window the event also counts against (`chat:send`'s
   * chat window), counted in the same Redis script as the write token once the payload
   * is valid; an invalid payload takes the write token alone.
   */
  window?: (userId: string) => CountWindow;
}

/**
 * A listener shared by every socket of the node: Node's EventEmitter (which Socket.IO's
 * `Socket` is) calls it with `this` set to the socket that emitted the event.
 */
export type SharedListener = (this: IoSocket, ...args: unknown[]) => void;

/** One client→server event's listener, built once per node (see `handle`). */
export interface EventHandler {
  event: ClientEventName;
  listener: SharedListener;
}

/**
 * What a component does on every socket: the contract events it answers, listeners on
 * the socket's own `disconnecting`/`disconnect`, and work when a socket connects. All are
 * built once per node and shared: a socket holds references to them, not closures of its
 * own (a dozen closures and their contexts per socket were ~4 KB of every held socket).
 */
export interface SocketModule {
  events: EventHandler[];
  disconnecting?: (socket: IoSocket, reason: string) => void;
  disconnect?: (socket: IoSocket, reason: string) => void;
  connected?: (socket: IoSocket) => void;
}

/** The socket's identity as the use-cases take it (their `Actor`). */
export function actorOf(socket: IoSocket): { userId: string; username: string; socketId: string } {
  return { userId: socket.data.userId, username: socket.data.username, socketId: socket.id };
}

/**
 * The listener of one client→server event of the contract (`src/shared/contract/events.ts`),
 * shared by every socket: checks the ack callback (an event sent without one is ignored,
 * unless the contract says its ack is optional), validates the payload with the event's
 * schema (a non-object or a bad field → VALIDATION_FAILED, the connection stays up), runs
 * the use-case with the socket and the parsed payload and acks `{ok: true, ...result}`;
 * anything thrown becomes `{ok: false, error}` through `toAppError` — never an unhandled
 * rejection. The payload and the ack fields are typed by the event's name.
 */
export function handle<E extends ClientEventName>(
  ctx: InfraContext,
  event: E,
  /** The use-case: resolves with the fields of the success ack besides `ok`. */
  run: (socket: IoSocket, payload: ParsedPayload<E>) => Promise<AckFields<E>>,
  options: HandleOptions = {},
): EventHandler {
  const log = componentLogger(ctx.logger, 'socket', event);
  const spec = clientEvents[event];
  const ackOptional = 'ackOptional' in spec && spec.ackOptional === true;
  const window = options.limit === 'writes' ? options.window : undefined;
  const parsePayload = (payload: unknown): ParsedPayload<E> => {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      throw new AppError('VALIDATION_FAILED', 'The payload must be an object');
    }
    return parseInput(spec.payload, payload);
  };
  const dispatch = async (socket: IoSocket, payload: unknown, respond: Respond): Promise<void> => {
    try {
      const userId = socket.data.userId;
      let input: ParsedPayload<E>;
      if (window) {
        try {
          input = parsePayload(payload);
        } catch (invalid) {
          await enforceWriteLimit(ctx, userId);
          throw invalid;
        }
        await enforceWriteLimitAndWindow(ctx, userId, window(userId));
      } else {
        if (options.limit === 'writes') await enforceWriteLimit(ctx, userId);
        else if (options.limit === 'typing') await enforceTypingLimit(ctx, userId);
        input = parsePayload(payload);
      }
      const result = await run(socket, input);
      respond({ ok: true, ...result });
    } catch (error) {
      const response = errorAck(error);
      if (response.error.code === 'INTERNAL') log.error({ err: error, userId: socket.data.userId }, 'socket handler failed');
      else if (response.error.code === 'UNAVAILABLE') log.warn({ err: error }, 'dependency unavailable');
      respond(response);
    }
  };
  // Whatever the client sent: the listener takes unknown arguments and trusts none of them.
  function listener(this: IoSocket, ...args: unknown[]): void {
    const last = args[args.length - 1];
    const ack: Respond | undefined = typeof last === 'function' ? (last as Respond) : undefined;
    if (!ack && !ackOptional) return; // nothing to answer to: ignore
    const payload = ack ? (args.length > 1 ? args[0] : undefined) : args[0];
    void dispatch(this, payload, (response) => {
      try {
        ack?.(response);
      } catch {
        // the client is gone
      }
    });
  }
  return { event, listener };
}

/**
 * Attaches every module to a new socket: one shared listener per event (Socket.IO's `on`,
 * for any event of the contract: the listener accepts whatever arrives) and one per
 * lifecycle event, then each module's `connected`.
 */
export function socketModules(modules: SocketModule[]): (socket: IoSocket) => void {
  const events = modules.flatMap((m) => m.events);
  const lifecycle = (name: 'disconnecting' | 'disconnect'): SharedListener | undefined => {
    const parts = modules.flatMap((m) => (m[name] ? [m[name]] : []));
    if (parts.length === 0) return undefined;
    return function (this: IoSocket, reason: unknown): void {
      for (const part of parts) part(this, reason as string);
    };
  };
  const disconnecting = lifecycle('disconnecting');
  const disconnect = lifecycle('disconnect');
  const connected = modules.flatMap((m) => (m.connected ? [m.connected] : []));
  return (socket) => {
    const on = socket.on.bind(socket) as unknown as (event: string, listener: SharedListener) => void;
    for (const { event, listener } of events) on(event, listener);
    if (disconnecting) on('disconnecting', disconnecting);
    if (disconnect) on('disconnect', disconnect);
    for (const connect of connected) {
      // One of them may end the socket (a token already past its deadline): the rest then do not start.
      if (!socket.connected) return;
      connect(socket);
    }
  };
}
