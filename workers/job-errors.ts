import { UnrecoverableError } from 'bullmq';
import { toAppError } from '../src/lib/error-mapping';
import type { ErrorCode } from '../src/lib/errors';

/**
 * Codes whose job is retried (with the queue's backoff, up to its attempts): the failure
 * may pass — a dependency down (UNAVAILABLE), an unexpected error such as a deadlock or a
 * bug being fixed (INTERNAL), a limit (RATE_LIMITED), a racing write (CONFLICT). Every
 * other code says the job's own data can never succeed (VALIDATION_FAILED, NOT_FOUND,
 * FORBIDDEN, GONE, …): retrying would only repeat the failure, so it fails at once.
 */
export const RETRIED_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['UNAVAILABLE', 'INTERNAL', 'RATE_LIMITED', 'CONFLICT']);

/**
 * What a processor's failure becomes for BullMQ, by the same mapping as requests
 * (`toAppError`): a retried failure is rethrown unchanged (its stack is logged and stored
 * with the job); a final one becomes an `UnrecoverableError` "CODE: message" whose `cause`
 * is the original and whose stack carries the original's. An UnrecoverableError thrown on
 * purpose is kept.
 */
export function toJobError(error: unknown): Error {
  if (error instanceof UnrecoverableError) return error;
  const original = error instanceof Error ? error : new Error(String(error));
  const { code } = toAppError(error);
  if (RETRIED_CODES.has(code)) return original;
  const final = new UnrecoverableError(`${code}: ${original.message}`);
  final.cause = original;
  final.stack = `${final.stack}\nCaused by: ${original.stack ?? original.message}`;
  return final;
}

/** Wraps a processor so its failures go through `toJobError`. */
export function mappingJobErrors<J, R>(process: (job: J) => Promise<R>): (job: J) => Promise<R> {
  return async (job) => {
    try {
      return await process(job);
    } catch (error) {
      throw toJobError(error);
    }
  };
}

/** The contract code of a job failure (of the original error, for one `toJobError` wrapped). */
export function failureCode(error: Error): ErrorCode {
  return toAppError(error instanceof UnrecoverableError && error.cause !== undefined ? error.cause : error).code;
}

/** True when BullMQ will not run the job again after this failure. */
export function isFinalFailure(error: Error, job: { attemptsMade: number; opts: { attempts?: number } } | undefined): boolean {
  return error instanceof UnrecoverableError || job === undefined || job.attemptsMade >= (job.opts.attempts ?? 1);
}
