import type { Job } from 'bullmq';
import { refreshUserBoards } from '../../src/components/leaderboards';
import { persistSession, type PersistResult } from '../../src/components/sessions';
import type { AppContext } from '../../src/context';
import type { PersistSessionJob } from '../../src/lib/queues';
import { parseInput, z } from '../../src/lib/validation';
import { SESSION_END_REASONS, SESSION_MODES } from '../../src/shared/enums';

/** The job data, validated with the same library as every other input. */
export const PersistSessionJobSchema = z
  .object({
    sessionUuid: z.uuid(),
    userId: z.string().min(1).max(191),
    groupId: z.number().int().positive().nullable(),
    startedAt: z.iso.datetime({ offset: true }),
    endedAt: z.iso.datetime({ offset: true }),
    durationSeconds: z.number().int().min(0),
    notes: z.string().nullable(),
    rawSeconds: z.number().int().min(0).optional(),
    pausedSeconds: z.number().int().min(0).default(0),
    mode: z.enum(SESSION_MODES).default('stopwatch'),
    subject: z.string().trim().min(1).max(60).nullable().default(null),
    endReason: z.enum(SESSION_END_REASONS).default('stopped'),
  })
  .refine((j) => Date.parse(j.endedAt) >= Date.parse(j.startedAt), { message: 'endedAt before startedAt', path: ['endedAt'] })
  .refine((j) => j.rawSeconds === undefined || j.rawSeconds >= j.durationSeconds, { message: 'rawSeconds below durationSeconds', path: ['rawSeconds'] });

/**
 * Stores a stopped timer exactly once (see persistSession), then writes the user's
 * absolute period totals of the group into the leaderboard sets and hints the room.
 * The board refresh runs even for an already-stored session (idempotent), so a job
 * retried after a crash between commit and refresh still brings the board up to date.
 */
export async function processSessionJob(ctx: AppContext, job: Pick<Job<PersistSessionJob>, 'data'>): Promise<PersistResult> {
  // Invalid data is VALIDATION_FAILED, which the worker fails at once (workers/job-errors.ts).
  const data = parseInput(PersistSessionJobSchema, job.data, 'data');
  const result = await persistSession(ctx, data);
  if (result.groupId !== null) {
    await refreshUserBoards(ctx, result.groupId, data.userId);
    ctx.broadcast.toGroup(result.groupId, 'leaderboard:updated', { groupId: result.groupId });
  }
  return result;
}
