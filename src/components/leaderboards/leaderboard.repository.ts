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
 * one group and/or one user, of the group's **current members** only (a board holds
 * members: one who leaves drops out at the next refresh or rebuild of the group, one who
 * rejoins comes back with their time). A session belongs to the period holding its `startedAt`.
 */
export async function periodTotals(
  db: Db,
  now: Date,
  filter: { groupId?: number; userId?: string; pairs?: ReadonlyArray<{ groupId: number; userId: string }> } = {},
): Promise<GroupUserTotals[]> {
  const from = Object.fromEntries(PERIODS.filter((p) => p !== 'all').map((p) => [p, periodBounds(p, now).from])) as Record<Exclude<Period, 'all'>, Date>;
  const where = ['ss.group_id IS NOT NULL'];
  if (filter.groupId !== undefined) where.push('ss.group_id = :groupId');
  if (filter.userId !== undefined) where.push('ss.user_id = :userId');
  const pairs: Record<string, unknown> = {};
  if (filter.pairs !== undefined) {
    if (filter.pairs.length === 0) return [];
    const values = filter.pairs.map((p, i) => {
      pairs[`pg${i}`] = p.groupId;
      pairs[`pu${i}`] = p.userId;
      return `(:pg${i}::int, :pu${i})`;
    });
    where.push(`(ss.group_id, ss.user_id) IN (VALUES ${values.join(', ')})`);
  }
  const rows = await select<{ groupId: number; userId: string; d7: string; week: string; month: string; all: string }>(
    db,
    `SELECT ss.group_id AS "groupId", ss.user_id AS "userId",
            COALESCE(SUM(ss.duration_seconds) FILTER (WHERE ss.started_at >= :d7), 0) AS "d7",
            COALESCE(SUM(ss.duration_seconds) FILTER (WHERE ss.started_at >= :week), 0) AS "week",
            COALESCE(SUM(ss.duration_seconds) FILTER (WHERE ss.started_at >= :month), 0) AS "month",
            SUM(ss.duration_seconds) AS "all"
       FROM study_sessions ss
       JOIN groupings g ON g.group_id = ss.group_id AND g.user_id = ss.user_id
      WHERE ${where.join(' AND ')}
      GROUP BY ss.group_id, ss.user_id`,
    { d7: from['7d'], week: from.week, month: from.month, groupId: filter.groupId ?? null, userId: filter.userId ?? null, ...pairs },
  );
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
