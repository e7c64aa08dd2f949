import type { Socket } from 'socket.io';
import type { InfraContext } from '../lib/context';
import { toAppError } from '../lib/error-mapping';
import { AppError } from '../lib/errors';
import { componentLogger } from '../lib/logger';
import { enforceTypingLimit, enforceWriteLimit } from '../lib/rate-limit';
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
   * The per-user limit the event counts against (checked first, before validation):
   * `writes` (shared with REST writes) or `typing`. Unset: not limited.
   */
  limit?: 'writes' | 'typing';
}

/**
 * Registers one client→server event of the contract (`src/shared/contract/events.ts`):
 * checks the ack callback (an event sent without one is ignored, unless the contract says
 * its ack is optional), validates the payload with the event's schema (a non-object or a
 * bad field → VALIDATION_FAILED, the connection stays up), runs the use-case with the
 * parsed payload and acks `{ok: true, ...result}`; anything thrown becomes
 * `{ok: false, error}` through `toAppError` — never an unhandled rejection. The payload
 * and the ack fields are typed by the event's name.
 */
export function handle<E extends ClientEventName>(
  ctx: InfraContext,
  socket: IoSocket,
  event: E,
  /** The use-case: resolves with the fields of the success ack besides `ok`. */
  run: (payload: ParsedPayload<E>) => Promise<AckFields<E>>,
  options: HandleOptions = {},
): void {
  const log = componentLogger(ctx.logger, 'socket', event);
  const spec = clientEvents[event];
  const ackOptional = 'ackOptional' in spec && spec.ackOptional === true;
  // Whatever the client sent: the listener takes unknown arguments and trusts none of them.
  const listener = (...args: unknown[]): void => {
    const last = args[args.length - 1];
    const ack: Respond | undefined = typeof last === 'function' ? (last as Respond) : undefined;
    if (!ack && !ackOptional) return; // nothing to answer to: ignore
    const payload = ack ? (args.length > 1 ? args[0] : undefined) : args[0];
    const respond = (response: unknown): void => {
      try {
        ack?.(response);
      } catch {
        // the client is gone
      }
    };
    void (async () => {
      try {
        if (options.limit === 'writes') await enforceWriteLimit(ctx, socket.data.userId);
        else if (options.limit === 'typing') await enforceTypingLimit(ctx, socket.data.userId);
        if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
          throw new AppError('VALIDATION_FAILED', 'The payload must be an object');
        }
        const input = parseInput(spec.payload, payload);
        const result = await run(input);
        respond({ ok: true, ...result });
      } catch (error) {
        const response = errorAck(error);
        if (response.error.code === 'INTERNAL') log.error({ err: error, userId: socket.data.userId }, 'socket handler failed');
        else if (response.error.code === 'UNAVAILABLE') log.warn({ err: error }, 'dependency unavailable');
        respond(response);
      }
    })();
  };
  listen(socket, event, listener);
}

/** Socket.IO's `on`, for any event of the contract: the listener accepts whatever arrives. */
function listen(socket: IoSocket, event: ClientEventName, listener: (...args: unknown[]) => void): void {
  socket.on(event, listener);
}
