import type { InferAttributes, Transaction } from 'sequelize';
import { type Db, execute, plain, select, within } from '../../db/access';
import { Streak } from '../../db/models';
import type { StoredStreak, StreakState } from './streak.rules';

/** The only data access of streaks (`streaks`, and the study days they are computed from). Returns plain objects. */

export type StreakRecord = InferAttributes<Streak>;

/** The user's streak row, or null before their first stored session. */
export async function findStreak(db: Db, userId: string): Promise<StreakRecord | null> {
  return plain<StreakRecord>(await Streak.findOne({ where: { userId }, ...within(db) }));
}

/**
 * The distinct local dates (`YYYY-MM-DD` in `timeZone`) of the user's sessions with
 * counted focus time (issue 15: a session whose time did not count, e.g. cut to 0 by the
 * daily cap, makes no study day).
 */
export async function studyDays(db: Db, userId: string, timeZone: string): Promise<string[]> {
  const rows = await select<{ day: string }>(
    db,
    `SELECT DISTINCT to_char((started_at AT TIME ZONE :tz)::date, 'YYYY-MM-DD') AS day
       FROM study_sessions WHERE user_id = :userId AND duration_seconds > 0`,
    { tz: timeZone, userId },
  );
  return rows.map((r) => r.day);
}

/** A user's streak row as the incremental path checks it, and their newest session id apart from the new ones. */
export interface StreakGuard {
  stored: StoredStreak | null;
  newestOtherSessionId: number | null;
  /**
   * The full recomputation's read (as `studyDaysAndNewestOf`), read ahead in the same
   * statement when the row looks unusable for the incremental step (see streaksWithGuards);
   * undefined otherwise.
   */
  history?: { days: string[]; newestSessionId: number | null };
}

/**
 * The incremental path's read for several users, one round trip: per user, the stored
 * streak row (null when none) and their newest session id apart from `exceptIds` (an index
 * probe on `(user_id, id)`; null when they have no other session). By user id.
 *
 * Read ahead: when the row plainly cannot take the incremental step — no row while the user
 * has other sessions, another zone than `timeZone`, a `last_session_id` that is not the
 * newest other session, or a new day (`firstNewDay`, the earliest) before its last active
 * day — the user's study days in `timeZone` and newest session id come along (`history`),
 * so the caller's full recomputation needs no second round trip. The caller still decides
 * with the incremental rule itself and reads the history when it is missing.
 */
export async function streaksWithGuards(
  tx: Transaction,
  users: ReadonlyArray<{ userId: string; exceptIds: readonly number[]; timeZone: string; firstNewDay: string }>,
): Promise<Map<string, StreakGuard>> {
  if (users.length === 0) return new Map();
  const rows = await select<{
    userId: string;
    currentStreak: number | null;
    longestStreak: number;
    lastActiveDate: string | null;
    streakStartDate: string | null;
    freezesAvailable: number;
    timeZone: string | null;
    lastSessionId: number | null;
    newestOther: number | null;
    history: { days: string[]; newest: number | null } | null;
  }>(
    tx,
    `SELECT v.user_id AS "userId", s.current_streak AS "currentStreak", s.longest_streak AS "longestStreak",
            to_char(s.last_active_date, 'YYYY-MM-DD') AS "lastActiveDate", to_char(s.streak_start_date, 'YYYY-MM-DD') AS "streakStartDate",
            s.freezes_available AS "freezesAvailable", s.time_zone AS "timeZone", s.last_session_id AS "lastSessionId",
            o.newest AS "newestOther",
            CASE WHEN (s.current_streak IS NULL AND o.newest IS NOT NULL)
                   OR (s.current_streak IS NOT NULL AND (s.time_zone IS DISTINCT FROM v.tz OR s.last_session_id IS NULL
                       OR s.last_session_id IS DISTINCT FROM o.newest OR CAST(v.first_day AS date) < s.last_active_date))
                 THEN (SELECT json_build_object('days', coalesce(json_agg(d.day) FILTER (WHERE d.counted), '[]'::json), 'newest', max(d.newest))
                         FROM (SELECT to_char((ss.started_at AT TIME ZONE v.tz)::date, 'YYYY-MM-DD') AS day, max(ss.id) AS newest,
                                      bool_or(ss.duration_seconds > 0) AS counted
                                 FROM study_sessions ss WHERE ss.user_id = v.user_id GROUP BY 1) AS d)
            END AS history
       FROM unnest(ARRAY[:userIds]::text[], ARRAY[:exceptIds]::text[], ARRAY[:timeZones]::text[], ARRAY[:firstDays]::text[])
            AS v(user_id, except_ids, tz, first_day)
       LEFT JOIN streaks s ON s.user_id = v.user_id
       CROSS JOIN LATERAL (SELECT max(ss.id) AS newest FROM study_sessions ss WHERE ss.user_id = v.user_id AND NOT (ss.id = ANY(CAST(v.except_ids AS int[])))) AS o`,
    {
      userIds: users.map((u) => u.userId),
      exceptIds: users.map((u) => `{${u.exceptIds.map((id) => Math.trunc(id)).join(',')}}`),
      timeZones: users.map((u) => u.timeZone),
      firstDays: users.map((u) => u.firstNewDay),
    },
  );
  return new Map(
    rows.map((row): [string, StreakGuard] => {
      const newestOtherSessionId = row.newestOther === null ? null : Number(row.newestOther);
      const history = row.history ? { days: row.history.days, newestSessionId: row.history.newest === null ? null : Number(row.history.newest) } : undefined;
      if (row.currentStreak === null) return [row.userId, { stored: null, newestOtherSessionId, history }];
      const stored: StoredStreak = {
        currentStreak: row.currentStreak,
        longestStreak: row.longestStreak,
        lastActiveDate: row.lastActiveDate,
        streakStartDate: row.streakStartDate,
        freezesAvailable: row.freezesAvailable,
        timeZone: row.timeZone,
        lastSessionId: row.lastSessionId === null ? null : Number(row.lastSessionId),
      };
      return [row.userId, { stored, newestOtherSessionId, history }];
    }),
  );
}

/**
 * Per user, their distinct local study days in their zone (days with counted time, as
 * `studyDays`) and newest session id (of any session, counted or not), in one query (the
 * full recomputation's read). Every user given is in the answer (no days, null id when
 * they have no session).
 */
export async function studyDaysAndNewestOf(
  db: Db,
  users: ReadonlyArray<{ userId: string; timeZone: string }>,
): Promise<Map<string, { days: string[]; newestSessionId: number | null }>> {
  const out = new Map(users.map((u) => [u.userId, { days: [] as string[], newestSessionId: null as number | null }]));
  if (users.length === 0) return out;
  const rows = await select<{ userId: string; day: string; newest: number; counted: boolean }>(
    db,
    // LATERAL: one index scan per user (a join may hash the whole table).
    `SELECT v.user_id AS "userId", d.day, d.newest, d.counted
       FROM unnest(ARRAY[:userIds]::text[], ARRAY[:timeZones]::text[]) AS v(user_id, tz)
       CROSS JOIN LATERAL (
             SELECT to_char((ss.started_at AT TIME ZONE v.tz)::date, 'YYYY-MM-DD') AS day, max(ss.id) AS newest, bool_or(ss.duration_seconds > 0) AS counted
               FROM study_sessions ss WHERE ss.user_id = v.user_id GROUP BY 1) AS d`,
    { userIds: users.map((u) => u.userId), timeZones: users.map((u) => u.timeZone) },
  );
  for (const row of rows) {
    const entry = out.get(row.userId);
    if (!entry) continue;
    if (row.counted) entry.days.push(row.day);
    entry.newestSessionId = Math.max(entry.newestSessionId ?? 0, Number(row.newest));
  }
  return out;
}

/** A streak row to write, with what it was computed from. */
export interface StreakWrite {
  userId: string;
  state: StreakState;
  timeZone: string;
  lastSessionId: number | null;
}

/** Writes several users' streak rows (insert or replace) in one statement, in user id order. Give each user once. */
export async function saveStreaks(tx: Transaction, writes: readonly StreakWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const sorted = [...writes].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  await execute(
    tx,
    `INSERT INTO streaks (user_id, current_streak, longest_streak, last_active_date, streak_start_date, freezes_available, time_zone, last_session_id, created_at, updated_at)
     SELECT v.user_id, v.current, v.longest, v.last, v.start, v.freezes, v.tz, v.last_session_id, now(), now()
       FROM unnest(ARRAY[:userIds]::text[], ARRAY[:current]::int[], ARRAY[:longest]::int[], ARRAY[:last]::date[], ARRAY[:start]::date[],
                   ARRAY[:freezes]::int[], ARRAY[:tz]::text[], ARRAY[:lastSessionId]::int[])
            WITH ORDINALITY AS v(user_id, current, longest, last, start, freezes, tz, last_session_id, n)
      ORDER BY v.n
     ON CONFLICT (user_id) DO UPDATE SET
       current_streak = EXCLUDED.current_streak, longest_streak = EXCLUDED.longest_streak,
       last_active_date = EXCLUDED.last_active_date, streak_start_date = EXCLUDED.streak_start_date,
       freezes_available = EXCLUDED.freezes_available, time_zone = EXCLUDED.time_zone,
       last_session_id = EXCLUDED.last_session_id, updated_at = now()`,
    {
      userIds: sorted.map((w) => w.userId),
      current: sorted.map((w) => w.state.currentStreak),
      longest: sorted.map((w) => w.state.longestStreak),
      last: sorted.map((w) => w.state.lastActiveDate),
      start: sorted.map((w) => w.state.streakStartDate),
      freezes: sorted.map((w) => w.state.freezesAvailable),
      tz: sorted.map((w) => w.timeZone),
      lastSessionId: sorted.map((w) => w.lastSessionId),
    },
  );
}
