import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../context';
import { activeGroupIds, periodTotals, recentlyStored, type GroupUserTotals } from './leaderboard.repository';
import { LEADERBOARD_CACHE, periodBounds, PERIODS, type Period } from './leaderboard.rules';

/**
 * Redis layout of the leaderboards (all via ctx.key):
 * - `lb:<groupId>:<period>:<periodKey>` ZSET userId → seconds in the period (periodKey is
 *   the period's UTC start date, or `all`), so periods roll over by themselves; dated
 *   keys expire a little after their period can no longer be read.
 * - `lb:<groupId>:<period>:<periodKey>:ready` "1" once a rebuild wrote the board from
 *   PostgreSQL. A board without it (Redis lost it, or a new period began) is not
 *   trusted: readers compute from PostgreSQL and ask for a rebuild.
 * - `lb:tmp:<token>:…` temporary boards of a rebuild, RENAMEd into place in one MULTI.
 * Writers only ever set absolute values derived from PostgreSQL (ZADD of the user's
 * period sums), so a job run twice or a rebuild racing a job cannot count anything twice.
 */
export const boardKey = (ctx: AppContext, groupId: number, period: Period, periodKey: string): string => ctx.key('lb', groupId, period, periodKey);
const readyKey = (ctx: AppContext, groupId: number, period: Period, periodKey: string): string => ctx.key('lb', groupId, period, periodKey, 'ready');

/** Writes one user's absolute period totals in one group (idempotent): `refreshBoards` for one pair. */
export async function refreshUserBoards(ctx: AppContext, groupId: number, userId: string, now: Date = new Date()): Promise<void> {
  await refreshBoards(ctx, [{ groupId, userId }], now);
}

/**
 * The node-local cache of board answers: per group (the key), what readers computed from
 * its boards (the service's tops and places). Every write to a group's boards invalidates
 * the group on every node (after the write); a load racing an invalidation writes into the
 * dropped value, never into the live one.
 */
export const boardAnswers = <V>(ctx: AppContext) => ctx.caches.cache<V>(LEADERBOARD_CACHE.name, LEADERBOARD_CACHE);

/**
 * Writes the absolute period totals of many (group, user) pairs at once: one aggregate
 * query, then one MULTI holding per board key one ZADD of every member with seconds, one
 * ZREM of every member without, and one EXPIRE (dated periods); then each group's cached
 * answers dropped. Idempotent.
 */
export async function refreshBoards(ctx: AppContext, pairs: ReadonlyArray<{ groupId: number; userId: string }>, now: Date = new Date()): Promise<void> {
  const unique = [...new Map(pairs.map((p) => [`${p.groupId}:${p.userId}`, p])).values()];
  if (unique.length === 0) return;
  const rows = await periodTotals(ctx.sequelize, now, { pairs: unique });
  const totals = new Map(rows.map((r) => [`${r.groupId}:${r.userId}`, r.totals]));
  const bounds = PERIODS.map((period) => ({ ...periodBounds(period, now), period }));
  const boards = new Map<string, { add: Array<number | string>; remove: string[]; ttlSeconds: number | undefined }>();
  for (const { groupId, userId } of unique) {
    for (const b of bounds) {
      const key = boardKey(ctx, groupId, b.period, b.periodKey);
      let board = boards.get(key);
      if (!board) {
        board = { add: [], remove: [], ttlSeconds: b.ttlSeconds ?? undefined };
        boards.set(key, board);
      }
      const seconds = totals.get(`${groupId}:${userId}`)?.[b.period] ?? 0;
      if (seconds > 0) board.add.push(seconds, userId);
      else board.remove.push(userId);
    }
  }
  const multi = ctx.redis.multi();
  for (const [key, board] of boards) {
    if (board.add.length > 0) multi.zadd(key, ...board.add);
    if (board.remove.length > 0) multi.zrem(key, ...board.remove);
    if (board.ttlSeconds) multi.expire(key, board.ttlSeconds);
  }
  const result = await multi.exec();
  const failed = result?.find(([error]) => error);
  if (failed) throw failed[0];
  await boardAnswers(ctx).invalidateMany([...new Set(unique.map((p) => String(p.groupId)))]);
}

/** One board as stored, or null when it is not trusted (missing ready marker). */
export async function readBoard(ctx: AppContext, groupId: number, period: Period, now: Date): Promise<Map<string, number> | null> {
  const b = periodBounds(period, now);
  const result = await ctx.redis
    .multi()
    .exists(readyKey(ctx, groupId, period, b.periodKey))
    .zrange(boardKey(ctx, groupId, period, b.periodKey), 0, -1, 'WITHSCORES')
    .exec();
  if (!result || result.some(([error]) => error)) throw result?.find(([error]) => error)?.[0] ?? new Error('redis multi aborted');
  const [[, ready], [, withScores]] = result;
  if (Number(ready) !== 1) return null;
  const flat = withScores as string[];
  const board = new Map<string, number>();
  for (let i = 0; i < flat.length; i += 2) board.set(flat[i], Number(flat[i + 1]));
  return board;
}

export interface BoardEntry {
  userId: string;
  totalSeconds: number;
}

/**
 * The entries at positions `start`..`stop` (0-based, inclusive; `stop` -1 for the end) of
 * a board by seconds descending, as the sorted set orders them (ties in member order:
 * callers re-sort ties by their own rule), or null when the board is not trusted.
 * One round trip (EXISTS + ZREVRANGE … WITHSCORES in one MULTI).
 */
export async function readRange(ctx: AppContext, groupId: number, period: Period, now: Date, start: number, stop: number): Promise<BoardEntry[] | null> {
  const b = periodBounds(period, now);
  const result = await ctx.redis
    .multi()
    .exists(readyKey(ctx, groupId, period, b.periodKey))
    .zrevrange(boardKey(ctx, groupId, period, b.periodKey), start, stop, 'WITHSCORES')
    .exec();
  if (!result || result.some(([error]) => error)) throw result?.find(([error]) => error)?.[0] ?? new Error('redis multi aborted');
  const [[, ready], [, withScores]] = result;
  if (Number(ready) !== 1) return null;
  const flat = withScores as string[];
  const entries: BoardEntry[] = [];
  for (let i = 0; i < flat.length; i += 2) entries.push({ userId: flat[i], totalSeconds: Number(flat[i + 1]) });
  return entries;
}

/**
 * One user's place on a board: their seconds and how many entries have strictly more
 * (ZSCORE, then ZCOUNT above it, in one round trip each), or null when they are not on it.
 */
export async function placeOf(
  ctx: AppContext,
  groupId: number,
  period: Period,
  now: Date,
  userId: string,
): Promise<{ totalSeconds: number; above: number } | null> {
  const key = boardKey(ctx, groupId, period, periodBounds(period, now).periodKey);
  const score = await ctx.redis.zscore(key, userId);
  if (score === null) return null;
  const above = await ctx.redis.zcount(key, `(${score}`, '+inf');
  return { totalSeconds: Number(score), above };
}

/**
 * Recomputes the boards of every active group (or one group) from PostgreSQL and swaps
 * them in atomically per group: built into temporary keys, then RENAMEd (with their ready
 * markers) in one MULTI. Sessions stored while it ran are re-applied after the swap, so a
 * job that finished mid-rebuild is not lost from the board.
 */
export async function rebuildBoards(ctx: AppContext, options: { groupId?: number; now?: Date } = {}): Promise<{ groups: number }> {
  const now = options.now ?? new Date();
  // Sessions stored from here on are re-applied after the swap. Their created_at is the
  // insert's clock_timestamp() (after any lock wait, not the transaction's start), and
  // the margin covers an insert whose commit lands after our snapshot.
  const startedAt = new Date(Date.now() - 10_000);
  const groupIds = options.groupId !== undefined ? [options.groupId] : await activeGroupIds(ctx.sequelize);
  const rows = await periodTotals(ctx.sequelize, now, options.groupId !== undefined ? { groupId: options.groupId } : {});
  const byGroup = new Map<number, GroupUserTotals[]>();
  for (const row of rows) {
    const list = byGroup.get(row.groupId) ?? [];
    list.push(row);
    byGroup.set(row.groupId, list);
  }
  const token = randomBytes(6).toString('hex');
  for (const groupId of groupIds) {
    const users = byGroup.get(groupId) ?? [];
    const build = ctx.redis.pipeline();
    const swap = ctx.redis.multi();
    for (const period of PERIODS) {
      const b = periodBounds(period, now);
      const live = boardKey(ctx, groupId, period, b.periodKey);
      const tmp = ctx.key('lb', 'tmp', token, groupId, period);
      const members = users.filter((u) => u.totals[period] > 0).flatMap((u) => [u.totals[period], u.userId] as Array<string | number>);
      if (members.length > 0) {
        build
          .del(tmp)
          .zadd(tmp, ...members)
          .expire(tmp, 600);
        swap.rename(tmp, live);
        if (b.ttlSeconds) swap.expire(live, b.ttlSeconds);
      } else {
        swap.del(live);
      }
      if (b.ttlSeconds) swap.set(readyKey(ctx, groupId, period, b.periodKey), '1', 'EX', b.ttlSeconds);
      else swap.set(readyKey(ctx, groupId, period, b.periodKey), '1');
    }
    await build.exec();
    const result = await swap.exec();
    const failed = result?.find(([error]) => error);
    if (failed) throw failed[0];
    await boardAnswers(ctx).invalidate(String(groupId));
  }
  for (const { groupId, userId } of await recentlyStored(ctx.sequelize, startedAt, options.groupId)) {
    await refreshUserBoards(ctx, groupId, userId, now);
  }
  return { groups: groupIds.length };
}

/** True when some active group's current boards are not all ready (worker start). */
export async function boardsMissing(ctx: AppContext, now: Date = new Date()): Promise<boolean> {
  const ids = await activeGroupIds(ctx.sequelize);
  if (ids.length === 0) return false;
  const pipeline = ctx.redis.pipeline();
  for (const id of ids) for (const period of PERIODS) pipeline.exists(readyKey(ctx, id, period, periodBounds(period, now).periodKey));
  const result = (await pipeline.exec()) ?? [];
  return result.some(([error, value]) => error || Number(value) !== 1);
}
