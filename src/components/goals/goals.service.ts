import type { Transaction } from 'sequelize';
import type { AppContext } from '../../context';
import { notify } from '../notifications';
import { canonicalTimeZone, localDate } from '../streaks';
import { goalMetMessage } from './goals.rules';
import { insertGoalMetOnce } from './goals.repository';

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
 */
export async function recordDailyGoal(ctx: AppContext, input: DailyGoalInput, tx: Transaction): Promise<Array<{ date: string; seconds: number }>> {
  if (input.dailyGoalMinutes <= 0 || input.sessions.length === 0) return [];
  const tz = canonicalTimeZone(input.timeZone) ?? 'UTC';
  const met: Array<{ date: string; seconds: number }> = [];
  for (const date of [...new Set(input.sessions.map((s) => localDate(s.startedAt, tz)))].sort()) {
    const seconds = await insertGoalMetOnce(tx, { userId: input.userId, date, timeZone: tz, goalMinutes: input.dailyGoalMinutes });
    if (seconds !== null) met.push({ date, seconds });
  }
  if (met.length === 0) return met;
  await notify(
    ctx,
    met.map((m) => ({
      userId: input.userId,
      type: 'daily_goal_met' as const,
      message: goalMetMessage(input.dailyGoalMinutes, m.date),
      data: { date: m.date, seconds: m.seconds },
    })),
    tx,
  );
  tx.afterCommit(() => {
    for (const m of met) ctx.broadcast.toUser(input.userId, 'goal:met', m);
  });
  return met;
}
