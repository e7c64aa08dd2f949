import type { Transaction } from 'sequelize';
import type { AppContext } from '../../context';
import { notify } from '../notifications';
import { canonicalTimeZone, localDate } from '../streaks';
import { goalMetMessage } from './goals.rules';
import { type GoalCandidate, insertGoalsMetOnce } from './goals.repository';

export interface DailyGoalInput {
  userId: string;
  /** The user's time zone (their local days). */
  timeZone: string;
  /** The user's goal (`preferences.dailyGoalMinutes`; 0 = none: nothing to do). */
  dailyGoalMinutes: number;
  /** The sessions just stored for this user in the caller's transaction. */
  sessions: ReadonlyArray<{ startedAt: Date }>;
}

/**
 * Daily goal (issue 16), called in the transaction that stored a user's new sessions
 * (persistSession's per-user step, after the insert; holding the user's row lock): for
 * each local day those sessions count for, when the day's counted seconds now reach the
 * goal and no `daily_goals_met` row exists for it, inserts that row (the durable
 * once-per-day dedupe: a retried or duplicate job, or any later session of the day,
 * finds it), stores a `daily_goal_met` notification and, after the commit, sends the
 * user `goal:met {date, seconds}`. A rollback sends nothing. Returns the days met now.
 * `recordDailyGoals` for one user.
 */
export async function recordDailyGoal(ctx: AppContext, input: DailyGoalInput, tx: Transaction): Promise<Array<{ date: string; seconds: number }>> {
  return (await recordDailyGoals(ctx, [input], tx)).get(input.userId) ?? [];
}

/**
 * `recordDailyGoal` for several users (one input per user) in one statement for every
 * (user, local day) of theirs (users without a goal are skipped) and one `notify` for all
 * the goals met. The days met now, by user id (users with none are absent).
 */
export async function recordDailyGoals(
  ctx: AppContext,
  inputs: readonly DailyGoalInput[],
  tx: Transaction,
): Promise<Map<string, Array<{ date: string; seconds: number }>>> {
  const candidates: GoalCandidate[] = [];
  const goals = new Map<string, number>();
  for (const input of inputs) {
    if (input.dailyGoalMinutes <= 0 || input.sessions.length === 0) continue;
    const tz = canonicalTimeZone(input.timeZone) ?? 'UTC';
    goals.set(input.userId, input.dailyGoalMinutes);
    for (const date of [...new Set(input.sessions.map((s) => localDate(s.startedAt, tz)))].sort()) {
      candidates.push({ userId: input.userId, date, timeZone: tz, goalMinutes: input.dailyGoalMinutes });
    }
  }
  const met = new Map<string, Array<{ date: string; seconds: number }>>();
  const rows = await insertGoalsMetOnce(tx, candidates);
  if (rows.length === 0) return met;
  const byUserThenDate = (a: { userId: string; date: string }, b: { userId: string; date: string }): number =>
    a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
  for (const row of [...rows].sort(byUserThenDate)) met.set(row.userId, [...(met.get(row.userId) ?? []), { date: row.date, seconds: row.seconds }]);
  await notify(
    ctx,
    [...met].flatMap(([userId, days]) =>
      days.map((m) => ({
        userId,
        type: 'daily_goal_met' as const,
        message: goalMetMessage(goals.get(userId) ?? 0, m.date),
        data: { date: m.date, seconds: m.seconds },
      })),
    ),
    tx,
  );
  tx.afterCommit(() => {
    for (const [userId, days] of met) for (const m of days) ctx.broadcast.toUser(userId, 'goal:met', m);
  });
  return met;
}
