import { QueryTypes, type Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize';
import { canonicalTimeZone, computeStreak, localDate, type StreakState } from './streak.rules';

/**
 * Recomputes a user's streak row from the distinct local days of all their sessions
 * (PostgreSQL is the truth), so it is right whatever order sessions arrived in and
 * after history was written straight into `study_sessions`. The caller holds the user's
 * row lock (`SELECT … FOR UPDATE` on users) so concurrent jobs of one user serialise.
 */
export async function recomputeStreak(
  sequelize: Sequelize,
  userId: string,
  timeZone: string,
  transaction: Transaction,
  now: Date = new Date(),
): Promise<StreakState> {
  const tz = canonicalTimeZone(timeZone) ?? 'UTC';
  const rows = await sequelize.query<{ day: string }>(
    `SELECT DISTINCT to_char((started_at AT TIME ZONE :tz)::date, 'YYYY-MM-DD') AS day
       FROM study_sessions WHERE user_id = :userId`,
    { replacements: { tz, userId }, type: QueryTypes.SELECT, transaction },
  );
  const state = computeStreak(
    rows.map((r) => r.day),
    localDate(now, tz),
  );
  await sequelize.query(
    `INSERT INTO streaks (user_id, current_streak, longest_streak, last_active_date, streak_start_date, created_at, updated_at)
     VALUES (:userId, :current, :longest, :last, :start, now(), now())
     ON CONFLICT (user_id) DO UPDATE SET
       current_streak = EXCLUDED.current_streak, longest_streak = EXCLUDED.longest_streak,
       last_active_date = EXCLUDED.last_active_date, streak_start_date = EXCLUDED.streak_start_date,
       updated_at = now()`,
    {
      replacements: { userId, current: state.currentStreak, longest: state.longestStreak, last: state.lastActiveDate, start: state.streakStartDate },
      transaction,
    },
  );
  return {
    currentStreak: state.currentStreak,
    longestStreak: state.longestStreak,
    lastActiveDate: state.lastActiveDate,
    streakStartDate: state.streakStartDate,
  };
}
