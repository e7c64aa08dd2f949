import { type Db, select } from '../../db/access';

/** The only data access of stats: study seconds per local day, from `study_sessions`. */

/** Seconds per local date (`YYYY-MM-DD` in `timeZone`, the date a session started on) of the user's sessions started at or after `since`. */
export async function secondsPerDay(db: Db, userId: string, timeZone: string, since: Date): Promise<Map<string, number>> {
  const rows = await select<{ day: string; seconds: string }>(
    db,
    `SELECT to_char((started_at AT TIME ZONE :tz)::date, 'YYYY-MM-DD') AS day, SUM(duration_seconds) AS seconds
       FROM study_sessions WHERE user_id = :userId AND started_at >= :lower
      GROUP BY 1`,
    { tz: timeZone, userId, lower: since },
  );
  return new Map(rows.map((r) => [r.day, Number(r.seconds)]));
}
