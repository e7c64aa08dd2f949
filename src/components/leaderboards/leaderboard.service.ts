import type { Actor, AppContext } from '../../context';
import { requireAccess } from '../groups';
import { effectiveCurrentStreak } from '../streaks/streak.rules';
import { groupMembers, periodTotals } from './leaderboard.repository';
import { aroundView, boardView, periodBounds, rankEntries, type Period } from './leaderboard.rules';
import { readBoard } from './leaderboard.store';

export interface LeaderboardDto {
  period: Period;
  /** Start of the period (ISO); null for `all` (no lower bound). */
  from: string | null;
  to: string;
  entries: Array<{ rank: number; userId: string; username: string; totalSeconds: number; currentStreak: number }>;
  me: { rank: number; totalSeconds: number } | null;
}

/**
 * A group's board for members: read from the Redis sorted set kept by the workers,
 * filtered to current members at read time. When the board is not in Redis (lost, or a
 * period just began) the answer is computed from PostgreSQL and a rebuild is enqueued.
 */
export async function getLeaderboard(
  ctx: AppContext,
  actor: Actor,
  input: { groupId: number; period: Period; limit: number; now?: Date },
): Promise<LeaderboardDto> {
  const now = input.now ?? new Date();
  await requireAccess(ctx.sequelize, input.groupId, actor.userId, 'leaderboard.view');
  const bounds = periodBounds(input.period, now);
  let board = await readBoard(ctx, input.groupId, input.period, now);
  if (!board) {
    board = new Map();
    for (const row of await periodTotals(ctx.sequelize, now, { groupId: input.groupId })) {
      if (row.totals[input.period] > 0) board.set(row.userId, row.totals[input.period]);
    }
    await requestRebuild(ctx, input.groupId, now);
  }
  const totals = board;
  const members = await groupMembers(ctx.sequelize, input.groupId);
  const ranked = rankEntries(
    members.flatMap((m) => {
      const totalSeconds = totals.get(m.userId);
      return totalSeconds === undefined ? [] : [{ ...m, totalSeconds }];
    }),
  );
  const view = boardView(ranked, input.limit, actor.userId);
  return {
    period: input.period,
    from: bounds.from ? bounds.from.toISOString() : null,
    to: bounds.to.toISOString(),
    entries: view.top.map((e) => ({
      rank: e.rank,
      userId: e.userId,
      username: e.username,
      totalSeconds: e.totalSeconds,
      currentStreak: effectiveCurrentStreak(e.currentStreak, e.lastActiveDate, e.timeZone || 'UTC', now),
    })),
    me: view.me,
  };
}

/**
 * Rank neighbours (`around=me`): the same board as `getLeaderboard` (same access rule,
 * same source, members at read time, same ranks), cut to the caller's window by
 * `aroundView`. A code path of its own, so the top-N read can change shape freely.
 */
export async function getLeaderboardAround(
  ctx: AppContext,
  actor: Actor,
  input: { groupId: number; period: Period; radius: number; now?: Date },
): Promise<LeaderboardDto> {
  const now = input.now ?? new Date();
  await requireAccess(ctx.sequelize, input.groupId, actor.userId, 'leaderboard.view');
  const bounds = periodBounds(input.period, now);
  let totals = await readBoard(ctx, input.groupId, input.period, now);
  if (!totals) {
    totals = new Map();
    for (const row of await periodTotals(ctx.sequelize, now, { groupId: input.groupId })) {
      if (row.totals[input.period] > 0) totals.set(row.userId, row.totals[input.period]);
    }
    await requestRebuild(ctx, input.groupId, now);
  }
  const board = totals;
  const members = await groupMembers(ctx.sequelize, input.groupId);
  const ranked = rankEntries(
    members.flatMap((m) => {
      const totalSeconds = board.get(m.userId);
      return totalSeconds === undefined ? [] : [{ ...m, totalSeconds }];
    }),
  );
  const view = aroundView(ranked, input.radius, actor.userId);
  return {
    period: input.period,
    from: bounds.from ? bounds.from.toISOString() : null,
    to: bounds.to.toISOString(),
    entries: view.entries.map((e) => ({
      rank: e.rank,
      userId: e.userId,
      username: e.username,
      totalSeconds: e.totalSeconds,
      currentStreak: effectiveCurrentStreak(e.currentStreak, e.lastActiveDate, e.timeZone || 'UTC', now),
    })),
    me: view.me,
  };
}

/** Enqueues a rebuild of one group's boards, at most once a minute per group. */
export async function requestRebuild(ctx: AppContext, groupId: number, now: Date): Promise<void> {
  const bucket = Math.floor(now.getTime() / 60_000);
  try {
    await ctx.queues.maintenance.add('rebuild-leaderboards', { groupId }, { jobId: `lb-rebuild-${groupId}-${bucket}` });
  } catch (error) {
    ctx.logger.warn({ err: error, groupId }, 'could not enqueue a leaderboard rebuild');
  }
}
