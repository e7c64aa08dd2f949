import { type Db, select } from '../../db/access';
import { periodBounds, PERIODS, type Period } from './leaderboard.rules';

/** The only data access of leaderboards: period sums of `study_sessions` and the members a board shows. */

/** Seconds per period of one user in one group (PostgreSQL, the truth). */
export type PeriodTotals = Record<Period, number>;

export interface GroupUserTotals {
  groupId: number;
  userId: string;
  totals: PeriodTotals;
}

/**
 * Sums of session seconds per (group, user) for every period at `now`, optionally for
 * one group and/or one user, or for the given (group, user) pairs only, of the group's **current members** only (a board holds
 * members: one who leaves drops out at the next refresh or rebuild of the group, one who
 * rejoins comes back with their time). A session belongs to the period holding its `startedAt`.
 */
export async function periodTotals(
  db: Db,
  now: Date,
  filter:
    | { groupId?: number; userId?: string; pairs?: undefined }
    | { pairs: ReadonlyArray<{ groupId: number; userId: string }>; groupId?: undefined; userId?: undefined } = {},
): Promise<GroupUserTotals[]> {
  const from = Object.fromEntries(PERIODS.filter((p) => p !== 'all').map((p) => [p, periodBounds(p, now).from])) as Record<Exclude<Period, 'all'>, Date>;
  const sums = `COALESCE(SUM(ss.duration_seconds) FILTER (WHERE ss.started_at >= :d7), 0) AS "d7",
            COALESCE(SUM(ss.duration_seconds) FILTER (WHERE ss.started_at >= :week), 0) AS "week",
            COALESCE(SUM(ss.duration_seconds) FILTER (WHERE ss.started_at >= :month), 0) AS "month",
            SUM(ss.duration_seconds) AS "all"`;
  const bounds = { d7: from['7d'], week: from.week, month: from.month };
  type Row = { groupId: number; userId: string; d7: string; week: string; month: string; all: string };
  let rows: Row[];
  if (filter.pairs !== undefined) {
    if (filter.pairs.length === 0) return [];
    // Per pair (a member with sessions in the group), its sums over the user's own sessions:
    // one index probe per pair, where a join with the list may hash the whole table.
    rows = await select<Row>(
      db,
      `SELECT p.group_id AS "groupId", p.user_id AS "userId", t.d7, t.week, t.month, t.all
         FROM unnest(ARRAY[:groupIds]::int[], ARRAY[:userIds]::text[]) AS p(group_id, user_id)
         JOIN groupings g ON g.group_id = p.group_id AND g.user_id = p.user_id
         CROSS JOIN LATERAL (SELECT count(*) AS n, ${sums} FROM study_sessions ss WHERE ss.user_id = p.user_id AND ss.group_id = p.group_id) AS t
        WHERE t.n > 0`,
      { ...bounds, groupIds: filter.pairs.map((p) => p.groupId), userIds: filter.pairs.map((p) => p.userId) },
    );
  } else {
    const where = ['ss.group_id IS NOT NULL'];
    if (filter.groupId !== undefined) where.push('ss.group_id = :groupId');
    if (filter.userId !== undefined) where.push('ss.user_id = :userId');
    rows = await select<Row>(
      db,
      `SELECT ss.group_id AS "groupId", ss.user_id AS "userId", ${sums}
         FROM study_sessions ss
         JOIN groupings g ON g.group_id = ss.group_id AND g.user_id = ss.user_id
        WHERE ${where.join(' AND ')}
        GROUP BY ss.group_id, ss.user_id`,
      { ...bounds, groupId: filter.groupId ?? null, userId: filter.userId ?? null },
    );
  }
  return rows.map((r) => ({
    groupId: Number(r.groupId),
    userId: r.userId,
    totals: { '7d': Number(r.d7), week: Number(r.week), month: Number(r.month), all: Number(r.all) },
  }));
}

export interface MemberRow {
  userId: string;
  username: string;
  timeZone: string | null;
  currentStreak: number;
  lastActiveDate: string | null;
  freezesAvailable: number;
}

/** The group's current members with what a board row shows about them. */
export function groupMembers(db: Db, groupId: number): Promise<MemberRow[]> {
  return memberRows(db, groupId, null);
}

/** Of `userIds`, the group's current members with what a board row shows about them (one query; order not kept). */
export async function boardMembers(db: Db, groupId: number, userIds: readonly string[]): Promise<MemberRow[]> {
  return userIds.length === 0 ? [] : memberRows(db, groupId, userIds);
}

async function memberRows(db: Db, groupId: number, userIds: readonly string[] | null): Promise<MemberRow[]> {
  const rows = await select<{
    userId: string;
    username: string;
    tz: string | null;
    currentStreak: number | null;
    lastActiveDate: string | null;
    freezes: number | null;
  }>(
    db,
    `SELECT g.user_id AS "userId", u.username, u.preferences->>'timezone' AS tz,
            s.current_streak AS "currentStreak", to_char(s.last_active_date, 'YYYY-MM-DD') AS "lastActiveDate",
            s.freezes_available AS freezes
       FROM groupings g
       JOIN users u ON u.user_id = g.user_id
       LEFT JOIN streaks s ON s.user_id = g.user_id
      WHERE g.group_id = :groupId${userIds ? ' AND g.user_id IN (:userIds)' : ''}`,
    { groupId, userIds: userIds ? [...userIds] : null },
  );
  return rows.map((r) => ({
    userId: r.userId,
    username: r.username,
    timeZone: r.tz,
    currentStreak: r.currentStreak ?? 0,
    lastActiveDate: r.lastActiveDate,
    freezesAvailable: r.freezes ?? 0,
  }));
}

/** Active groups (the boards a rebuild keeps). */
export async function activeGroupIds(db: Db): Promise<number[]> {
  const rows = await select<{ id: number }>(db, 'SELECT id FROM groups WHERE is_active ORDER BY id');
  return rows.map((r) => Number(r.id));
}

/** (group, user) pairs with sessions stored since `since` (to re-apply after a rebuild swap). */
export async function recentlyStored(db: Db, since: Date, groupId?: number): Promise<Array<{ groupId: number; userId: string }>> {
  const rows = await select<{ groupId: number; userId: string }>(
    db,
    `SELECT DISTINCT group_id AS "groupId", user_id AS "userId" FROM study_sessions
      WHERE group_id IS NOT NULL AND created_at >= :since ${groupId !== undefined ? 'AND group_id = :groupId' : ''}`,
    { since, groupId: groupId ?? null },
  );
  return rows.map((r) => ({ groupId: Number(r.groupId), userId: r.userId }));
}
