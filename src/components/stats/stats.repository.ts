import { type Db, select } from '../../db/access';

/** The only data access of stats: study seconds per local day and per subject, from `study_sessions`. */

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

/**
 * Counted seconds per subject of the user's sessions whose local start date (in
 * `timeZone`) lies in `[first, last]` (`since` bounds the scan). Subjects are grouped
 * case-insensitively and shown in the spelling of the group's most recent session; sessions
 * without a subject form the `null` group. Groups with no counted seconds are left out.
 */
export async function secondsPerSubject(
  db: Db,
  userId: string,
  timeZone: string,
  since: Date,
  first: string,
  last: string,
): Promise<Array<{ subject: string | null; seconds: number }>> {
  const rows = await select<{ subject: string | null; seconds: string }>(
    db,
    `SELECT (array_agg(subject ORDER BY started_at DESC))[1] AS subject, SUM(duration_seconds) AS seconds
       FROM study_sessions
      WHERE user_id = :userId AND started_at >= :lower
        AND (started_at AT TIME ZONE :tz)::date BETWEEN CAST(:first AS date) AND CAST(:last AS date)
      GROUP BY lower(subject)
     HAVING SUM(duration_seconds) > 0
      ORDER BY 2 DESC, 1 NULLS LAST`,
    { tz: timeZone, userId, lower: since, first, last },
  );
  return rows.map((r) => ({ subject: r.subject, seconds: Number(r.seconds) }));
}

/** How many of the user's latest sessions with a subject `recentSubjects` looks at (bounds its cost). */
const SUBJECT_SCAN = 1000;

/**
 * The user's `limit` most recently used distinct subjects (case-insensitively; each in
 * its latest spelling), most recent first, among their last 1000 sessions with a subject.
 */
export async function recentSubjects(db: Db, userId: string, limit: number): Promise<string[]> {
  const rows = await select<{ subject: string }>(
    db,
    `SELECT subject FROM (
       SELECT DISTINCT ON (lower(subject)) subject, started_at
         FROM (SELECT subject, started_at FROM study_sessions
                WHERE user_id = :userId AND subject IS NOT NULL
                ORDER BY started_at DESC LIMIT :scan) latest
        ORDER BY lower(subject), started_at DESC
     ) distinct_subjects
     ORDER BY started_at DESC, subject
     LIMIT :limit`,
    { userId, scan: SUBJECT_SCAN, limit },
  );
  return rows.map((r) => r.subject);
}
