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
 * one group and/or one user. A session belongs to the period holding its `startedAt`.
 */
export async function periodTotals(db: Db, now: Date, filter: { groupId?: number; userId?: string } = {}): Promise<GroupUserTotals[]> {
  const from = Object.fromEntries(PERIODS.filter((p) => p !== 'all').map((p) => [p, periodBounds(p, now).from])) as Record<Exclude<Period, 'all'>, Date>;
  const where = ['group_id IS NOT NULL'];
  if (filter.groupId !== undefined) where.push('group_id = :groupId');
  if (filter.userId !== undefined) where.push('user_id = :userId');
  const rows = await select<{ groupId: number; userId: string; d7: string; week: string; month: string; all: string }>(
    db,
    `SELECT group_id AS "groupId", user_id AS "userId",
            COALESCE(SUM(duration_seconds) FILTER (WHERE started_at >= :d7), 0) AS "d7",
            COALESCE(SUM(duration_seconds) FILTER (WHERE started_at >= :week), 0) AS "week",
            COALESCE(SUM(duration_seconds) FILTER (WHERE started_at >= :month), 0) AS "month",
            SUM(duration_seconds) AS "all"
       FROM study_sessions
      WHERE ${where.join(' AND ')}
      GROUP BY group_id, user_id`,
    { d7: from['7d'], week: from.week, month: from.month, groupId: filter.groupId ?? null, userId: filter.userId ?? null },
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
export async function groupMembers(db: Db, groupId: number): Promise<MemberRow[]> {
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
      WHERE g.group_id = :groupId`,
    { groupId },
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
