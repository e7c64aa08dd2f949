import type { Actor, AppContext } from '../../context';
import { requireCachedAccess } from '../groups';
import { effectiveCurrentStreak } from '../streaks/streak.rules';
import { boardMembers, groupMembers, type MemberRow, periodTotals } from './leaderboard.repository';
import { aroundView, boardView, periodBounds, type RankedEntry, rankEntries, type Period } from './leaderboard.rules';
import { boardAnswers, placeOf, readBoard, readRange } from './leaderboard.store';

export interface LeaderboardDto {
  period: Period;
  /** Start of the period (ISO); null for `all` (no lower bound). */
  from: string | null;
  to: string;
  entries: Array<{ rank: number; userId: string; username: string; totalSeconds: number; currentStreak: number }>;
  me: { rank: number; totalSeconds: number } | null;
}

/** A computed top of a board (cached per group, period and limit until the group's boards change). */
interface TopAnswer {
  entries: Array<RankedEntry & MemberRow>;
  /** Non-members still in the set above the last entry (left since the last refresh): `me` skips them. */
  strays: Array<{ totalSeconds: number }>;
  /** The entries as sent, built for one second (`currentStreak` reads the clock in each user's zone). */
  sent?: { second: number; entries: LeaderboardDto['entries'] };
}

/** A user's place on one board as read from the set (null: not on it). */
type Place = Awaited<ReturnType<typeof placeOf>>;

/**
 * What this node has read of one group's boards since their last write: the tops by
 * `period:periodKey:limit` and callers' places by `period:periodKey:userId`. Both come
 * from the same sorted sets, so the group's invalidation (any board write, a member
 * leaving or joining) drops them together.
 */
interface GroupAnswers {
  tops: Map<string, TopAnswer>;
  places: Map<string, Place>;
}

/** Places kept per group: beyond this, further callers' places are read from Redis each time. */
const MAX_PLACES = 5_000;

/**
 * A group's board for members: the top `limit` from the Redis sorted set kept by the
 * workers (ZREVRANGE, names and streaks of those users only), and the caller's place
 * (ZSCORE + ZCOUNT), both cached on this node until the group's next board write. When
 * the board is not in Redis (lost, or a period just began) the answer is computed from
 * PostgreSQL and a rebuild is enqueued.
 */
export async function getLeaderboard(
  ctx: AppContext,
  actor: Actor,
  input: { groupId: number; period: Period; limit: number; now?: Date },
): Promise<LeaderboardDto> {
  const now = input.now ?? new Date();
  await requireCachedAccess(ctx, input.groupId, actor.userId, 'leaderboard.view');
  const bounds = periodBounds(input.period, now);
  const cache = boardAnswers<GroupAnswers>(ctx);
  const cacheKey = String(input.groupId);
  let answers = cache.get(cacheKey);
  if (!answers) {
    answers = { tops: new Map(), places: new Map() };
    cache.set(cacheKey, answers);
  }
  // A caller-supplied clock (tests of period edges) reads around the cache.
  const cached = !input.now;
  const slot = `${input.period}:${bounds.periodKey}:${input.limit}`;
  let top = cached ? answers.tops.get(slot) : undefined;
  if (!top) {
    top = (await topOfBoard(ctx, input.groupId, input.period, input.limit, now)) ?? undefined;
    if (!top) return fromPostgres(ctx, actor, input, now);
    if (cached) answers.tops.set(slot, top);
  }
  const board = top;
  let me: LeaderboardDto['me'] = null;
  const mine = board.entries.find((e) => e.userId === actor.userId);
  if (mine) me = { rank: mine.rank, totalSeconds: mine.totalSeconds };
  else {
    const placeSlot = `${input.period}:${bounds.periodKey}:${actor.userId}`;
    let place = cached ? answers.places.get(placeSlot) : undefined;
    if (place === undefined) {
      place = await placeOf(ctx, input.groupId, input.period, now, actor.userId);
      if (cached && answers.places.size < MAX_PLACES) answers.places.set(placeSlot, place);
    }
    if (place && place.totalSeconds > 0) {
      const strays = board.strays.filter((s) => s.totalSeconds > place.totalSeconds).length;
      me = { rank: place.above - strays + 1, totalSeconds: place.totalSeconds };
    }
  }
  const second = Math.floor(now.getTime() / 1000);
  if (board.sent?.second !== second) board.sent = { second, entries: sentEntries(board.entries, now) };
  return toDto(input.period, bounds, board.sent.entries, me);
}

/**
 * The top `limit` members of a board with ranks (ties share a rank and are ordered by
 * username, then user id), reading only as far down the set as the last tie needs:
 * entries from rank 1 to `limit` plus whatever ties with the last of them. Null when the
 * board is not trusted.
 */
async function topOfBoard(ctx: AppContext, groupId: number, period: Period, limit: number, now: Date): Promise<TopAnswer | null> {
  let want = limit + 1;
  for (;;) {
    const slice = await readRange(ctx, groupId, period, now, 0, want - 1);
    if (!slice) return null;
    const rows = await boardMembers(
      ctx.sequelize,
      groupId,
      slice.map((e) => e.userId),
    );
    const byId = new Map(rows.map((r) => [r.userId, r]));
    const members = slice.flatMap((e) => {
      const row = byId.get(e.userId);
      return row ? [{ ...row, totalSeconds: e.totalSeconds }] : [];
    });
    const exhausted = slice.length < want;
    const last = members[limit - 1];
    const next = members[limit];
    // Done when the set ended, or the first member past the top has strictly fewer seconds
    // than the last one in it (no tie crosses the cut, so the ordering by name is complete).
    if (exhausted || (last && next && next.totalSeconds < last.totalSeconds)) {
      const entries = rankEntries(members).slice(0, limit);
      const strays = slice.filter((e) => !byId.has(e.userId)).map((e) => ({ totalSeconds: e.totalSeconds }));
      return { entries, strays };
    }
    want *= 2;
  }
}

/** The board computed from PostgreSQL (the set is not trusted), with a rebuild enqueued. */
async function fromPostgres(ctx: AppContext, actor: Actor, input: { groupId: number; period: Period; limit: number }, now: Date): Promise<LeaderboardDto> {
  const totals = new Map<string, number>();
  for (const row of await periodTotals(ctx.sequelize, now, { groupId: input.groupId })) {
    if (row.totals[input.period] > 0) totals.set(row.userId, row.totals[input.period]);
  }
  await requestRebuild(ctx, input.groupId, now);
  const members = await groupMembers(ctx.sequelize, input.groupId);
  const ranked = rankEntries(
    members.flatMap((m) => {
      const totalSeconds = totals.get(m.userId);
      return totalSeconds === undefined ? [] : [{ ...m, totalSeconds }];
    }),
  );
  const view = boardView(ranked, input.limit, actor.userId);
  return toDto(input.period, periodBounds(input.period, now), sentEntries(view.top, now), view.me);
}

/** The answer: the period's bounds, the entries as sent and the caller's place. */
function toDto(period: Period, bounds: ReturnType<typeof periodBounds>, entries: LeaderboardDto['entries'], me: LeaderboardDto['me']): LeaderboardDto {
  return { period, from: bounds.from ? bounds.from.toISOString() : null, to: bounds.to.toISOString(), entries, me };
}

/** Board entries as the wire shows them at `now` (the streak as it reads today in each user's zone). */
function sentEntries(entries: ReadonlyArray<RankedEntry & MemberRow>, now: Date): LeaderboardDto['entries'] {
  return entries.map((e) => ({
    rank: e.rank,
    userId: e.userId,
    username: e.username,
    totalSeconds: e.totalSeconds,
    currentStreak: effectiveCurrentStreak(e.currentStreak, e.lastActiveDate, e.timeZone || 'UTC', now, e.freezesAvailable),
  }));
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
  await requireCachedAccess(ctx, input.groupId, actor.userId, 'leaderboard.view');
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
  return toDto(input.period, bounds, sentEntries(view.entries, now), view.me);
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
