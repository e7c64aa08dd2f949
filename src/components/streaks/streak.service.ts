import type { Transaction } from 'sequelize';
import type { AppContext } from '../../context';
import { canonicalTimeZone, incrementalStreak, localDate, type StreakState, walkStreak } from './streak.rules';
import { saveStreak, streakWithGuard, studyDaysAndNewest } from './streaks.repository';

export interface RecomputeStreakInput {
  userId: string;
  timeZone: string;
  /** Unused by the stored state (kept for callers; the reading side applies today). */
  now?: Date;
  /**
   * The sessions just stored for this user in the caller's transaction (id and start).
   * When given, the common case — all on or after the row's last active local day, same
   * zone, no other session the row has not seen — is an O(1) update (issue 13); without
   * them, or when the guard fails, the streak is recomputed from every session.
   */
  sessions?: ReadonlyArray<{ id: number; startedAt: Date }>;
}

/**
 * Brings the user's streak row up to date with their sessions (PostgreSQL is the truth),
 * so it is right whatever order sessions arrived in and after history was written
 * straight into `study_sessions`. Runs in the caller's transaction, which holds the
 * user's row lock (see persistSession) so concurrent jobs of one user serialise.
 *
 * Incremental path: one query reads the row and the user's newest session id apart from
 * the new ones; `incrementalStreak` folds the new local days in when the row provably
 * counted everything else. Otherwise (out-of-order day, changed time zone, an import, no
 * `sessions`): the full recomputation over the distinct local days.
 */
export async function recomputeStreak(_ctx: AppContext, input: RecomputeStreakInput, tx: Transaction): Promise<StreakState> {
  const tz = canonicalTimeZone(input.timeZone) ?? 'UTC';
  const added = input.sessions ?? [];
  if (added.length > 0) {
    const ids = added.map((s) => s.id);
    const { stored, newestOtherSessionId } = await streakWithGuard(tx, input.userId, ids);
    const next = incrementalStreak(stored, { timeZone: tz, newestOtherSessionId, days: added.map((s) => localDate(s.startedAt, tz)) });
    if (next) {
      await saveStreak(tx, input.userId, next, { timeZone: tz, lastSessionId: Math.max(newestOtherSessionId ?? 0, ...ids) });
      return next;
    }
  }
  const { days, newestSessionId } = await studyDaysAndNewest(tx, input.userId, tz);
  const { state } = walkStreak(days);
  await saveStreak(tx, input.userId, state, { timeZone: tz, lastSessionId: newestSessionId });
  return state;
}
