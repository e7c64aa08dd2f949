import type { Transaction } from 'sequelize';
import { select } from '../../db/access';

/** The only data access of daily goals: `daily_goals_met` (the once-per-day dedupe) and the day's seconds it is decided on. */

/** A (user, local day) whose goal may have been reached by sessions just stored. */
export interface GoalCandidate {
  userId: string;
  /** The local day, YYYY-MM-DD in `timeZone`. */
  date: string;
  timeZone: string;
  goalMinutes: number;
}

/**
 * In one statement, for each candidate: the user's counted seconds on local day `date`
 * (in `timeZone`, the date a session started on) and, when they reach `goalMinutes`, the
 * day's `daily_goals_met` row — inserted only if there was none. Returns the (user, day)
 * rows this call inserted (the goal met for the first time) with the day's seconds. Each
 * day's scan is bounded to [date − 1, date + 2) UTC: a local day lies within it in every
 * zone. Give each (user, date) once.
 */
export async function insertGoalsMetOnce(
  tx: Transaction,
  candidates: readonly GoalCandidate[],
): Promise<Array<{ userId: string; date: string; seconds: number }>> {
  if (candidates.length === 0) return [];
  const rows = await select<{ userId: string; date: string; seconds: number }>(
    tx,
    `INSERT INTO daily_goals_met (user_id, local_date, seconds, goal_minutes)
     SELECT c.user_id, c.day, t.seconds, c.goal
       FROM unnest(ARRAY[:userIds]::text[], ARRAY[:dates]::date[], ARRAY[:timeZones]::text[], ARRAY[:goals]::int[])
            WITH ORDINALITY AS c(user_id, day, tz, goal, n)
       CROSS JOIN LATERAL (
             SELECT coalesce(sum(duration_seconds), 0)::int AS seconds
               FROM study_sessions
              WHERE user_id = c.user_id
                AND started_at >= (c.day - 1)::timestamp AT TIME ZONE 'UTC' AND started_at < (c.day + 2)::timestamp AT TIME ZONE 'UTC'
                AND (started_at AT TIME ZONE c.tz)::date = c.day) AS t
      WHERE t.seconds >= c.goal * 60
      ORDER BY c.n
     ON CONFLICT (user_id, local_date) DO NOTHING
     RETURNING user_id AS "userId", to_char(local_date, 'YYYY-MM-DD') AS date, seconds`,
    {
      userIds: candidates.map((c) => c.userId),
      dates: candidates.map((c) => c.date),
      timeZones: candidates.map((c) => c.timeZone),
      goals: candidates.map((c) => c.goalMinutes),
    },
  );
  return rows.map((r) => ({ userId: r.userId, date: r.date, seconds: Number(r.seconds) }));
}
