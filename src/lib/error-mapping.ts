import { BaseError, ConnectionError, DatabaseError, UniqueConstraintError, ValidationError as SequelizeValidationError } from 'sequelize';
import { ZodError } from 'zod';
import { AppError } from './errors';
import { toFieldIssues } from './validation';

const PG_UNAVAILABLE = /^(08|53|57P)/; // connection exceptions, insufficient resources, operator intervention

function isRedisDown(error: Error): boolean {
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    /enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|Stream isn't writeable|connect ETIMEDOUT/.test(error.message)
  );
}

/**
 * Maps anything thrown by a route, a socket handler or a job to the AppError a client
 * may see. Infrastructure failures become UNAVAILABLE; unknown errors become INTERNAL
 * with a generic message (the original is logged, never sent).
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) {
    const details = toFieldIssues(error);
    return new AppError('VALIDATION_FAILED', `Invalid ${details.map((d) => d.field).join(', ')}`, details);
  }
  if (error instanceof ConnectionError) return new AppError('UNAVAILABLE', 'The database is unavailable, try again');
  if (error instanceof UniqueConstraintError) return new AppError('CONFLICT', 'Already exists');
  if (error instanceof DatabaseError) {
    const code = (error.original as { code?: string } | undefined)?.code ?? '';
    if (PG_UNAVAILABLE.test(code) || /Connection terminated|connection timeout/i.test(error.message)) {
      return new AppError('UNAVAILABLE', 'The database is unavailable, try again');
    }
    if (code === '23514' || code === '22P02' || code === '22003') return new AppError('VALIDATION_FAILED', 'A value is out of range');
  }
  if (error instanceof SequelizeValidationError) {
    return new AppError(
      'VALIDATION_FAILED',
      'Validation failed',
      error.errors.map((e) => ({ field: e.path ?? '(root)', message: e.message })),
    );
  }
  if (error instanceof Error && !(error instanceof BaseError)) {
    if (isRedisDown(error)) return new AppError('UNAVAILABLE', 'Redis is unavailable, try again');
    if (/Connection terminated|timeout exceeded when trying to connect/i.test(error.message)) {
      return new AppError('UNAVAILABLE', 'The database is unavailable, try again');
    }
  }
  return new AppError('INTERNAL', 'Something went wrong');
}
