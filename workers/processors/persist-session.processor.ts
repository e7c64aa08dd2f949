import type { Job } from 'bullmq';
import { refreshBoards, refreshUserBoards } from '../../src/components/leaderboards';
import { persistSession, persistSessions, type PersistResult } from '../../src/components/sessions';
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

/**
 * The batch path of `processSessionJob` (the worker's micro-batches, data already
 * validated): every job stored in one transaction (persistSessions), then every touched
 * (group, user) board entry written in one Redis MULTI and one `leaderboard:updated` per
 * group. Results in the jobs' order. Throws when any step fails; the batcher then runs
 * the jobs one at a time (every step is idempotent, so a partly done batch is no harm).
 */
export async function processSessionBatch(ctx: AppContext, jobs: readonly PersistSessionJob[]): Promise<PersistResult[]> {
  const results = await persistSessions(ctx, jobs);
  await publishSessionBatch(ctx, jobs, results);
  return results;
}

/** The after-commit half of `processSessionBatch`: the touched board entries (one MULTI) and one `leaderboard:updated` per group. */
async function publishSessionBatch(ctx: AppContext, jobs: readonly PersistSessionJob[], results: readonly PersistResult[]): Promise<void> {
  const pairs = jobs.flatMap((job, i) => {
    const groupId = results[i]?.groupId ?? null;
    return groupId !== null ? [{ groupId, userId: job.userId }] : [];
  });
  await refreshBoards(ctx, pairs);
  for (const groupId of new Set(pairs.map((p) => p.groupId))) ctx.broadcast.toGroup(groupId, 'leaderboard:updated', { groupId });
}

interface Waiting {
  data: PersistSessionJob;
  resolve: (result: PersistResult) => void;
  reject: (error: unknown) => void;
}

export interface SessionBatcher {
  /** Stores one validated job with whatever else is ready; settles when its batch (or its own fallback) is done. */
  submit(data: PersistSessionJob): Promise<PersistResult>;
}

/**
 * Gathers the session jobs the BullMQ worker runs at once into micro-batches: a batch
 * starts when `maxBatch` jobs wait, or `waitMs` after the oldest waiting job arrived, and
 * at most `maxInFlight` batches are being stored at once (the jobs that arrive meanwhile
 * wait for the next one, so batches stay full under load instead of many small ones
 * competing for the pool); a batch leaves that count once committed, while its boards are
 * written. Each job's processor call resolves only once its batch committed, so BullMQ
 * completes a job only after its session is stored (a crash before that leaves the job to
 * be retried, and the retry finds the row). A batch that fails is stored one job at a
 * time, so one bad job fails alone.
 */
export function createSessionBatcher(ctx: AppContext, options: { maxBatch: number; waitMs: number; maxInFlight?: number }): SessionBatcher {
  const maxInFlight = Math.max(1, options.maxInFlight ?? 1);
  let waiting: Array<Waiting & { at: number }> = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  /** Stores the batch; `committed` is called when its transaction is over (committed or not; more calls do nothing). */
  const run = async (batch: Waiting[], committed: () => void): Promise<void> => {
    try {
      const jobs = batch.map((w) => w.data);
      let results: PersistResult[];
      try {
        results = await persistSessions(ctx, jobs, { transactionEnded: committed });
      } finally {
        committed();
      }
      await publishSessionBatch(ctx, jobs, results);
      for (const [i, w] of batch.entries()) {
        const result = results[i];
        if (result) w.resolve(result);
        else w.reject(new Error('session batch returned no result for a job'));
      }
    } catch (error) {
      ctx.logger.warn({ err: error, size: batch.length }, 'session batch failed; storing its jobs one at a time');
      for (const w of batch) {
        try {
          w.resolve(await processSessionJob(ctx, { data: w.data }));
        } catch (jobError) {
          w.reject(jobError);
        }
      }
    }
  };
  /** Starts the batches that are due (full, or their oldest job waited `waitMs`) while fewer than `maxInFlight` run; else arms the timer. */
  const pump = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (waiting.length > 0 && inFlight < maxInFlight) {
      const oldest = waiting[0] as Waiting & { at: number };
      const due = waiting.length >= options.maxBatch || Date.now() - oldest.at >= options.waitMs;
      if (!due) {
        timer = setTimeout(pump, Math.max(0, oldest.at + options.waitMs - Date.now()));
        return;
      }
      const batch = waiting.slice(0, options.maxBatch);
      waiting = waiting.slice(batch.length);
      inFlight += 1;
      let ended = false;
      void run(batch, () => {
        if (ended) return;
        ended = true;
        inFlight -= 1;
        pump();
      });
    }
  };
  return {
    submit: (data) =>
      new Promise<PersistResult>((resolve, reject) => {
        waiting.push({ data, resolve, reject, at: Date.now() });
        if (inFlight >= maxInFlight) return; // a running batch's commit starts the next one
        if (waiting.length >= options.maxBatch) pump();
        else timer ??= setTimeout(pump, options.waitMs);
      }),
  };
}
