import type { Job } from 'bullmq';
import { refreshUserBoards } from '../../src/components/leaderboards';
import { persistSession, type PersistResult } from '../../src/components/sessions';
import type { AppContext } from '../../src/context';
import type { PersistSessionJob } from '../../src/lib/queues';
import { parseInput, z } from '../../src/lib/validation';

/** The job data, validated with the same library as every other input. */
export const PersistSessionJobSchema = z
  .object({
    sessionUuid: z.uuid(),
    userId: z.string().min(1).max(191),
    groupId: z.number().int().positive().nullable(),
    startedAt: z.iso.datetime({ offset: true }),
    endedAt: z.iso.datetime({ offset: true }),
    durationSeconds: z.number().int().positive(),
    notes: z.string().nullable(),
  })
  .refine((j) => Date.parse(j.endedAt) >= Date.parse(j.startedAt), { message: 'endedAt before startedAt', path: ['endedAt'] });

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
