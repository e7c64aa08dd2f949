import type { Job } from 'bullmq';
import { expireInvitations } from '../../src/components/groups';
import { boardsMissing, rebuildBoards } from '../../src/components/leaderboards';
import { stopStaleTimers, timerTick } from '../../src/components/timers';
import { sweepUploads } from '../../src/components/uploads';
import type { AppContext } from '../../src/context';
import type { MaintenanceJob, MaintenanceJobName } from '../../src/lib/queues';

export async function processMaintenanceJob(ctx: AppContext, job: Pick<Job<MaintenanceJob, unknown, MaintenanceJobName>, 'name' | 'data'>): Promise<unknown> {
  switch (job.name) {
    case 'stop-stale-timers':
      return stopStaleTimers(ctx);
    case 'expire-invitations':
      return expireInvitations(ctx);
    case 'rebuild-leaderboards':
      return rebuildBoards(ctx, { groupId: job.data.groupId });
    case 'sweep-uploads':
      return sweepUploads(ctx);
    case 'timer-tick':
      return job.data.userId && job.data.sessionUuid ? timerTick(ctx, { userId: job.data.userId, sessionUuid: job.data.sessionUuid }) : { action: 'stale' };
    default:
      throw new Error(`unknown maintenance job ${String(job.name)}`);
  }
}

/**
 * Recurring upkeep as BullMQ job schedulers (upserted by every worker at start: one
 * schedule whatever the number of workers): stale timers every minute, invitation expiry
 * every 5 minutes, a full leaderboard rebuild every hour on the hour (which includes
 * 00:00 UTC, when the `7d` board and, on Mondays and 1sts, `week`/`month` roll over),
 * and the upload sweep (unattached uploads after 24 h, bytes of resources deleted 30 days
 * ago, partial files of crashed writes) every 15 minutes.
 * A rebuild is also queued at start when boards are missing (Redis lost them).
 */
export async function scheduleMaintenance(ctx: AppContext): Promise<void> {
  const q = ctx.queues.maintenance;
  await q.upsertJobScheduler('stop-stale-timers', { every: 60_000 }, { name: 'stop-stale-timers', data: {} });
  await q.upsertJobScheduler('expire-invitations', { every: 5 * 60_000 }, { name: 'expire-invitations', data: {} });
  await q.upsertJobScheduler('rebuild-leaderboards', { pattern: '0 * * * *', tz: 'UTC' }, { name: 'rebuild-leaderboards', data: {} });
  await q.upsertJobScheduler('sweep-uploads', { every: 15 * 60_000 }, { name: 'sweep-uploads', data: {} });
  if (await boardsMissing(ctx)) {
    await q.add('rebuild-leaderboards', {}, { jobId: `lb-rebuild-all-${Math.floor(Date.now() / 60_000)}` });
  }
}
