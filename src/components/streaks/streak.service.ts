import type { Transaction } from 'sequelize';
import type { AppContext } from '../../context';
import { canonicalTimeZone, computeStreak, localDate, type StreakState } from './streak.rules';
import { saveStreak, studyDays } from './streaks.repository';

/**
 * Recomputes a user's streak row from the distinct local days of all their sessions
 * (PostgreSQL is the truth), so it is right whatever order sessions arrived in and
 * after history was written straight into `study_sessions`. Runs in the caller's
 * transaction, which holds the user's row lock (see persistSession) so concurrent jobs
 * of one user serialise.
 */
export async function recomputeStreak(_ctx: AppContext, input: { userId: string; timeZone: string; now?: Date }, tx: Transaction): Promise<StreakState> {
  const tz = canonicalTimeZone(input.timeZone) ?? 'UTC';
  const state = computeStreak(await studyDays(tx, input.userId, tz), localDate(input.now ?? new Date(), tz));
  const stored: StreakState = {
    currentStreak: state.currentStreak,
    longestStreak: state.longestStreak,
    lastActiveDate: state.lastActiveDate,
    streakStartDate: state.streakStartDate,
  };
  await saveStreak(tx, input.userId, stored);
  return stored;
}
