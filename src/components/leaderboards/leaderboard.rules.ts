/**
 * Leaderboard rules (API.md "Leaderboards"), pure: period bounds in UTC and ranking.
 */

import type { Period } from '../../shared/contract/leaderboards';

/** The periods are the wire contract's (src/shared/contract/leaderboards.ts). */
export { PERIODS, type Period } from '../../shared/contract/leaderboards';

/**
 * The node-local cache of computed board answers (ctx.caches), keyed by group id: invalidate
 * `String(groupId)` after any change that alters what the group's board shows (a board write,
 * a member leaving or joining). The time-to-live bounds what no event invalidates (a
 * username change, a streak moved by a session of no group).
 */
export const LEADERBOARD_CACHE = { name: 'leaderboard', ttlMs: 10_000, max: 2_000 } as const;

export interface PeriodBounds {
  period: Period;
  /** First instant of the period; null for `all` (no lower bound). */
  from: Date | null;
  to: Date;
  /** Stable id of the period's board: its UTC start date, or `all`. Rolls over naturally. */
  periodKey: string;
  /** How long the board's Redis key is worth keeping (seconds), null for `all`. */
  ttlSeconds: number | null;
}

const DAY_MS = 86_400_000;
const utcMidnight = (now: Date): Date => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/**
 * `7d`: today and the six UTC days before it; `week`: since Monday 00:00 UTC; `month`:
 * since the 1st 00:00 UTC; `all`: everything. A session belongs to the period holding
 * its `startedAt` (`startedAt >= from`).
 */
export function periodBounds(period: Exclude<Period, 'all'>, now: Date): PeriodBounds & { from: Date };
export function periodBounds(period: Period, now: Date): PeriodBounds;
export function periodBounds(period: Period, now: Date): PeriodBounds {
  const today = utcMidnight(now);
  let from: Date | null;
  let ttlDays: number | null;
  switch (period) {
    case '7d':
      from = new Date(today.getTime() - 6 * DAY_MS);
      ttlDays = 2;
      break;
    case 'week': {
      const sinceMonday = (today.getUTCDay() + 6) % 7;
      from = new Date(today.getTime() - sinceMonday * DAY_MS);
      ttlDays = 9;
      break;
    }
    case 'month':
      from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      ttlDays = 33;
      break;
    case 'all':
      from = null;
      ttlDays = null;
      break;
  }
  return {
    period,
    from,
    to: now,
    periodKey: from ? from.toISOString().slice(0, 10) : 'all',
    ttlSeconds: ttlDays === null ? null : ttlDays * 86_400,
  };
}

export interface Candidate {
  userId: string;
  username: string;
  totalSeconds: number;
}

export interface RankedEntry extends Candidate {
  rank: number;
}

/**
 * Ranks users with time (> 0 s) by seconds, descending; ties share a rank (1, 1, 3) and
 * are ordered by username (then user id, for a total order).
 */
export function rankEntries<C extends Candidate>(candidates: readonly C[]): Array<C & { rank: number }> {
  const sorted = candidates
    .filter((c) => c.totalSeconds > 0)
    .sort((a, b) => b.totalSeconds - a.totalSeconds || cmp(a.username, b.username) || cmp(a.userId, b.userId));
  const ranked: Array<C & { rank: number }> = [];
  for (const [i, entry] of sorted.entries()) {
    const prev = ranked.at(-1);
    ranked.push({ ...entry, rank: prev && prev.totalSeconds === entry.totalSeconds ? prev.rank : i + 1 });
  }
  return ranked;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The top `limit` and the caller's own place (null when the caller has no time). */
export function boardView<E extends RankedEntry>(
  ranked: readonly E[],
  limit: number,
  meId: string,
): { top: E[]; me: { rank: number; totalSeconds: number } | null } {
  const mine = ranked.find((e) => e.userId === meId);
  return { top: ranked.slice(0, limit), me: mine ? { rank: mine.rank, totalSeconds: mine.totalSeconds } : null };
}

/**
 * Rank neighbours (`around=me`): the entries from `radius` places above the caller to
 * `radius` places below, in the board's order (so ties keep their shared rank and their
 * username order, and the window never holds more than 2·radius + 1 entries). Without
 * time the caller has no place: the last `radius` entries (the ones just ahead) and me null.
 */
export function aroundView<E extends RankedEntry>(
  ranked: readonly E[],
  radius: number,
  meId: string,
): { entries: E[]; me: { rank: number; totalSeconds: number } | null } {
  const at = ranked.findIndex((e) => e.userId === meId);
  const mine = ranked[at];
  if (at < 0 || !mine) return { entries: ranked.slice(Math.max(0, ranked.length - radius)), me: null };
  return { entries: ranked.slice(Math.max(0, at - radius), at + radius + 1), me: { rank: mine.rank, totalSeconds: mine.totalSeconds } };
}
