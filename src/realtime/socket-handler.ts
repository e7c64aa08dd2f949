import type { Socket } from 'socket.io';
import type { ZodType } from 'zod';
import type { InfraContext } from '../lib/context';
import { toAppError } from '../lib/error-mapping';
import { AppError } from '../lib/errors';
import { enforceTypingLimit, enforceWriteLimit } from '../lib/rate-limit';
import { parseInput, type z } from '../lib/validation';
import type { ClientToServerEvents, ErrorAck, InterServerEvents, ServerToClientEvents, SocketData } from './events';

export type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

type Respond = (response: unknown) => void;

/** The ack of a failed event: only the contract's `{code, message}` reach the client. */
export function errorAck(error: unknown): ErrorAck {
  const appError = toAppError(error);
  return { ok: false, error: { code: appError.code, message: appError.message } };
}

export interface HandleOptions {
  /** The ack callback is optional (e.g. chat:typing): the handler runs without one. */
  ackOptional?: boolean;
  /**
   * The per-user limit the event counts against (checked first, before validation):
   * `writes` (shared with REST writes) or `typing`. Unset: not limited.
   */
  limit?: 'writes' | 'typing';
}

/**
 * Registers one client→server event: checks the ack callback, validates the payload
 * with `schema` (a non-object or a bad field → VALIDATION_FAILED, the connection stays
 * up), runs the use-case and acks `{ok: true, ...result}`; anything thrown becomes
 * `{ok: false, error}` through `toAppError` — never an unhandled rejection.
 */
export function handle<S extends ZodType>(
  ctx: InfraContext,
  socket: IoSocket,
  event: keyof ClientToServerEvents,
  schema: S,
  /** The use-case: resolves with the fields to add to `{ok: true}`, or nothing. */
  run: (payload: z.output<S>) => Promise<object | undefined>,
  options: HandleOptions = {},
): void {
  const log = ctx.logger.child({ component: 'socket', event });
  (socket as unknown as { on(event: string, listener: (...args: unknown[]) => void): void }).on(event, (...args: unknown[]) => {
    const last = args[args.length - 1];
    const ack: Respond | undefined = typeof last === 'function' ? (last as Respond) : undefined;
    if (!ack && !options.ackOptional) return; // nothing to answer to: ignore
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
        const input = parseInput(schema, payload);
        const result = await run(input);
        respond({ ok: true, ...(result ?? {}) });
      } catch (error) {
        const response = errorAck(error);
        if (response.error.code === 'INTERNAL') log.error({ err: error, userId: socket.data.userId }, 'socket handler failed');
        else if (response.error.code === 'UNAVAILABLE') log.warn({ err: error }, 'dependency unavailable');
        respond(response);
      }
    })();
  });
}
