import type { InferAttributes, Transaction } from 'sequelize';
import { type Db, execute, plain, select, selectOne, within } from '../../db/access';
import { Streak } from '../../db/models';
import type { StoredStreak, StreakState } from './streak.rules';

/** The only data access of streaks (`streaks`, and the study days they are computed from). Returns plain objects. */

export type StreakRecord = InferAttributes<Streak>;

/** The user's streak row, or null before their first stored session. */
export async function findStreak(db: Db, userId: string): Promise<StreakRecord | null> {
  return plain<StreakRecord>(await Streak.findOne({ where: { userId }, ...within(db) }));
}

/**
 * The distinct local dates (`YYYY-MM-DD` in `timeZone`) of the user's sessions with
 * counted focus time (issue 15: a session whose time did not count, e.g. cut to 0 by the
 * daily cap, makes no study day).
 */
export async function studyDays(db: Db, userId: string, timeZone: string): Promise<string[]> {
  const rows = await select<{ day: string }>(
    db,
    `SELECT DISTINCT to_char((started_at AT TIME ZONE :tz)::date, 'YYYY-MM-DD') AS day
       FROM study_sessions WHERE user_id = :userId AND duration_seconds > 0`,
    { tz: timeZone, userId },
  );
  return rows.map((r) => r.day);
}

/**
 * The incremental path's read, one round trip: the user's stored streak row (null when
 * none) and their newest session id apart from `exceptIds` (an index probe on
 * `(user_id, id)`; null when they have no other session).
 */
export async function streakWithGuard(
  tx: Transaction,
  userId: string,
  exceptIds: number[],
): Promise<{ stored: StoredStreak | null; newestOtherSessionId: number | null }> {
  const row = await selectOne<{
    currentStreak: number | null;
    longestStreak: number;
    lastActiveDate: string | null;
    streakStartDate: string | null;
    freezesAvailable: number;
    timeZone: string | null;
    lastSessionId: number | null;
    newestOther: number | null;
  }>(
    tx,
    `SELECT s.current_streak AS "currentStreak", s.longest_streak AS "longestStreak",
            to_char(s.last_active_date, 'YYYY-MM-DD') AS "lastActiveDate", to_char(s.streak_start_date, 'YYYY-MM-DD') AS "streakStartDate",
            s.freezes_available AS "freezesAvailable", s.time_zone AS "timeZone", s.last_session_id AS "lastSessionId",
            (SELECT max(id) FROM study_sessions WHERE user_id = :userId AND NOT (id = ANY(ARRAY[:exceptIds]::int[]))) AS "newestOther"
       FROM (SELECT 1) AS one LEFT JOIN streaks s ON s.user_id = :userId`,
    { userId, exceptIds: exceptIds.length ? exceptIds : [0] },
  );
  const newestOtherSessionId = row?.newestOther ?? null;
  if (!row || row.currentStreak === null) return { stored: null, newestOtherSessionId };
  return {
    stored: {
      currentStreak: row.currentStreak,
      longestStreak: row.longestStreak,
      lastActiveDate: row.lastActiveDate,
      streakStartDate: row.streakStartDate,
      freezesAvailable: row.freezesAvailable,
      timeZone: row.timeZone,
      lastSessionId: row.lastSessionId,
    },
    newestOtherSessionId,
  };
}

/**
 * The user's distinct local study days (days with counted time, as `studyDays`) and newest
 * session id (of any session, counted or not), one query (the full recomputation's read).
 */
export async function studyDaysAndNewest(db: Db, userId: string, timeZone: string): Promise<{ days: string[]; newestSessionId: number | null }> {
  const rows = await select<{ day: string; newest: number; counted: boolean }>(
    db,
    `SELECT to_char((started_at AT TIME ZONE :tz)::date, 'YYYY-MM-DD') AS day, max(id) AS newest, bool_or(duration_seconds > 0) AS counted
       FROM study_sessions WHERE user_id = :userId GROUP BY 1`,
    { tz: timeZone, userId },
  );
  return { days: rows.filter((r) => r.counted).map((r) => r.day), newestSessionId: rows.length ? Math.max(...rows.map((r) => Number(r.newest))) : null };
}

/** Writes the user's streak row (insert or replace), with what it was computed from. */
export async function saveStreak(tx: Transaction, userId: string, state: StreakState, seen: { timeZone: string; lastSessionId: number | null }): Promise<void> {
  await execute(
    tx,
    `INSERT INTO streaks (user_id, current_streak, longest_streak, last_active_date, streak_start_date, freezes_available, time_zone, last_session_id, created_at, updated_at)
     VALUES (:userId, :current, :longest, :last, :start, :freezes, :tz, :lastSessionId, now(), now())
     ON CONFLICT (user_id) DO UPDATE SET
       current_streak = EXCLUDED.current_streak, longest_streak = EXCLUDED.longest_streak,
       last_active_date = EXCLUDED.last_active_date, streak_start_date = EXCLUDED.streak_start_date,
       freezes_available = EXCLUDED.freezes_available, time_zone = EXCLUDED.time_zone,
       last_session_id = EXCLUDED.last_session_id, updated_at = now()`,
    {
      userId,
      current: state.currentStreak,
      longest: state.longestStreak,
      last: state.lastActiveDate,
      start: state.streakStartDate,
      freezes: state.freezesAvailable,
      tz: seen.timeZone,
      lastSessionId: seen.lastSessionId,
    },
  );
}
