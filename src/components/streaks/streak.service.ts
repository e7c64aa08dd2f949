import type { Transaction } from 'sequelize';
import type { AppContext } from '../../context';
import { canonicalTimeZone, incrementalStreak, localDate, type StreakState, walkStreak } from './streak.rules';
import { saveStreaks, type StreakWrite, streaksWithGuards, studyDaysAndNewestOf } from './streaks.repository';

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
 * `recomputeStreaks` for one user.
 */
export async function recomputeStreak(ctx: AppContext, input: RecomputeStreakInput, tx: Transaction): Promise<StreakState> {
  return (await recomputeStreaks(ctx, [input], tx)).get(input.userId) as StreakState;
}

/**
 * `recomputeStreak` for several users (one input per user) in a constant number of
 * statements, whatever their number: the rows and guards of every user with new sessions
 * in one read (with the study days read ahead for the users whose row plainly cannot take
 * the incremental step), the incremental rule applied here, one read of all study days for
 * the other users that need the full recomputation (none, usually), and one upsert of
 * every row. Per user the outcome is
 * exactly recomputeStreak's:
 *
 * Incremental path: the row and the user's newest session id apart from the new ones;
 * `incrementalStreak` folds the new local days in when the row provably counted everything
 * else. Otherwise (out-of-order day, changed time zone, an import, no `sessions`): the
 * full recomputation over the distinct local days. The new states by user id.
 */
export async function recomputeStreaks(_ctx: AppContext, inputs: readonly RecomputeStreakInput[], tx: Transaction): Promise<Map<string, StreakState>> {
  const users = inputs.map((input) => {
    const tz = canonicalTimeZone(input.timeZone) ?? 'UTC';
    const added = input.sessions ?? [];
    return { input, tz, added, days: added.map((s) => localDate(s.startedAt, tz)) };
  });
  const withNew = users.filter((u) => u.added.length > 0);
  const guards = await streaksWithGuards(
    tx,
    withNew.map((u) => ({ userId: u.input.userId, exceptIds: u.added.map((s) => s.id), timeZone: u.tz, firstNewDay: [...u.days].sort()[0] as string })),
  );
  const writes: StreakWrite[] = [];
  const full: Array<{ userId: string; timeZone: string }> = [];
  for (const { input, tz, added, days } of users) {
    const guard = guards.get(input.userId);
    if (guard) {
      const ids = added.map((s) => s.id);
      const next = incrementalStreak(guard.stored, { timeZone: tz, newestOtherSessionId: guard.newestOtherSessionId, days });
      if (next) {
        writes.push({ userId: input.userId, state: next, timeZone: tz, lastSessionId: Math.max(guard.newestOtherSessionId ?? 0, ...ids) });
        continue;
      }
      if (guard.history) {
        // The full recomputation over the history read ahead with the guard.
        writes.push({ userId: input.userId, state: walkStreak(guard.history.days).state, timeZone: tz, lastSessionId: guard.history.newestSessionId });
        continue;
      }
    }
    full.push({ userId: input.userId, timeZone: tz });
  }
  const history = await studyDaysAndNewestOf(tx, full);
  for (const { userId, timeZone } of full) {
    const { days, newestSessionId } = history.get(userId) ?? { days: [], newestSessionId: null };
    writes.push({ userId, state: walkStreak(days).state, timeZone, lastSessionId: newestSessionId });
  }
  await saveStreaks(tx, writes);
  return new Map(writes.map((w) => [w.userId, w.state]));
}
