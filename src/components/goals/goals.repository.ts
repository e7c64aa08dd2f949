import type { Transaction } from 'sequelize';
import { select } from '../../db/access';

/** The only data access of daily goals: `daily_goals_met` (the once-per-day dedupe) and the day's seconds it is decided on. */

/**
 * In one statement: the user's counted seconds on local day `date` (in `timeZone`, the
 * date a session started on) and, when they reach `goalMinutes`, the day's
 * `daily_goals_met` row — inserted only if there was none. Returns the seconds when this
 * call inserted the row (the goal is met for the first time), else null. The scan is
 * bounded to [date − 1, date + 2) UTC: a local day lies within it in every zone.
 */
export async function insertGoalMetOnce(
  tx: Transaction,
  input: { userId: string; date: string; timeZone: string; goalMinutes: number },
): Promise<number | null> {
  const lower = new Date(Date.parse(`${input.date}T00:00:00Z`) - 86_400_000);
  const upper = new Date(Date.parse(`${input.date}T00:00:00Z`) + 2 * 86_400_000);
  const [row] = await select<{ seconds: number }>(
    tx,
    `INSERT INTO daily_goals_met (user_id, local_date, seconds, goal_minutes)
     SELECT :userId, CAST(:date AS date), t.seconds, :goal
       FROM (SELECT coalesce(sum(duration_seconds), 0)::int AS seconds
               FROM study_sessions
              WHERE user_id = :userId AND started_at >= :lower AND started_at < :upper
                AND (started_at AT TIME ZONE :tz)::date = CAST(:date AS date)) AS t
      WHERE t.seconds >= :goal * 60
     ON CONFLICT (user_id, local_date) DO NOTHING
     RETURNING seconds`,
    { userId: input.userId, date: input.date, goal: input.goalMinutes, tz: input.timeZone, lower, upper },
  );
  return row ? Number(row.seconds) : null;
}
