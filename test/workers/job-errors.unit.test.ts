import { UnrecoverableError } from 'bullmq';
import { ConnectionRefusedError, UniqueConstraintError } from 'sequelize';
import { z } from '../../src/lib/validation';
import { AppError } from '../../src/lib/errors';
import { failureCode, isFinalFailure, mappingJobErrors, toJobError } from '../../workers/job-errors';

describe('job failures mapped like requests (workers/job-errors.ts)', () => {
  it.each([
    ['a dependency down (UNAVAILABLE)', new AppError('UNAVAILABLE', 'Redis is unavailable, try again')],
    ['a refused database connection', new ConnectionRefusedError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))],
    ['Redis refusing commands', new Error('Connection is closed.')],
    ['an unexpected error (INTERNAL)', new TypeError('x is undefined')],
    ['a racing write (CONFLICT)', new UniqueConstraintError({})],
  ])('when a job fails with %s, then the same error is rethrown and retried', (_name, error) => {
    expect(toJobError(error)).toBe(error);
  });

  it.each([
    ['invalid data (VALIDATION_FAILED)', new AppError('VALIDATION_FAILED', 'Invalid data.durationSeconds'), 'VALIDATION_FAILED'],
    ['a zod error', z.object({ n: z.number() }).safeParse({ n: 'x' }).error, 'VALIDATION_FAILED'],
    ['a missing row (NOT_FOUND)', new AppError('NOT_FOUND', 'User not found'), 'NOT_FOUND'],
    ['a refused action (FORBIDDEN)', new AppError('FORBIDDEN', 'Not allowed'), 'FORBIDDEN'],
  ])('when a job fails with %s, then it becomes an UnrecoverableError "CODE: message" keeping the original as cause and in the stack', (_name, error, code) => {
    const mapped = toJobError(error);
    expect(mapped).toBeInstanceOf(UnrecoverableError);
    expect(mapped.message).toBe(`${code}: ${(error as Error).message}`);
    expect(mapped.cause).toBe(error);
    expect(mapped.stack).toContain(`Caused by: ${(error as Error).stack}`);
    expect(failureCode(mapped)).toBe(code);
    expect(isFinalFailure(mapped, { attemptsMade: 1, opts: { attempts: 8 } })).toBe(true);
  });

  it('when a processor throws UnrecoverableError itself, then it is kept as is', () => {
    const error = new UnrecoverableError('done for');
    expect(toJobError(error)).toBe(error);
  });

  it('when a retried failure has attempts left, then it is not final; on the last attempt it is', () => {
    const error = new Error('Connection is closed.');
    expect(isFinalFailure(error, { attemptsMade: 3, opts: { attempts: 8 } })).toBe(false);
    expect(isFinalFailure(error, { attemptsMade: 8, opts: { attempts: 8 } })).toBe(true);
    expect(failureCode(error)).toBe('UNAVAILABLE');
  });

  it('when a wrapped processor fails, then the caller sees the mapped error; when it succeeds, its result', async () => {
    await expect(mappingJobErrors(async () => Promise.reject(new AppError('NOT_FOUND', 'gone')))({})).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(mappingJobErrors(async (n: number) => n * 2)(21)).resolves.toBe(42);
  });
});
