import type { InferAttributes, Transaction } from 'sequelize';
import { type Db, execute, plain, select, within } from '../../db/access';
import { Streak } from '../../db/models';
import type { StreakState } from './streak.rules';

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

/** Writes the user's streak row (insert or replace). */
export async function saveStreak(tx: Transaction, userId: string, state: StreakState): Promise<void> {
  await execute(
    tx,
    `INSERT INTO streaks (user_id, current_streak, longest_streak, last_active_date, streak_start_date, created_at, updated_at)
     VALUES (:userId, :current, :longest, :last, :start, now(), now())
     ON CONFLICT (user_id) DO UPDATE SET
       current_streak = EXCLUDED.current_streak, longest_streak = EXCLUDED.longest_streak,
       last_active_date = EXCLUDED.last_active_date, streak_start_date = EXCLUDED.streak_start_date,
       updated_at = now()`,
    { userId, current: state.currentStreak, longest: state.longestStreak, last: state.lastActiveDate, start: state.streakStartDate },
  );
}
