import type { InferAttributes, Transaction } from 'sequelize';
import { Op, type WhereOptions } from 'sequelize';
import { type Db, select, within } from '../../db/access';
import { StudySession } from '../../db/models';

/** The only data access of study sessions (`study_sessions`, and the `users.total_study_time` they add to). Returns plain objects. */

export type SessionRecord = InferAttributes<StudySession>;

export interface NewSession {
  sessionUuid: string;
  userId: string;
  groupId: number | null;
  /** Counted focus time. */
  durationSeconds: number;
  /** From start to stop. */
  rawSeconds: number;
  pausedSeconds: number;
  mode: 'stopwatch' | 'pomodoro';
  subject: string | null;
  endReason: 'stopped' | 'disconnected' | 'max_hours' | 'daily_cap';
  startedAt: Date;
  endedAt: Date;
  notes: string | null;
}

export interface InsertedSession {
  id: number;
  sessionUuid: string;
  userId: string;
  groupId: number | null;
  durationSeconds: number;
}

/**
 * Stores sessions and counts them, in one statement: a multi-row
 * `INSERT … ON CONFLICT (session_uuid) DO NOTHING RETURNING`, so only the sessions not yet
 * stored come back, and in the same statement each of their users' `total_study_time`
 * grows by the seconds of their rows really inserted (exactly once: a session already
 * stored adds nothing). Give distinct `sessionUuid`s (a duplicate inside one statement is
 * skipped too), and hold the users' row locks.
 */
export async function insertSessionsAndCount(tx: Transaction, list: readonly NewSession[]): Promise<InsertedSession[]> {
  if (list.length === 0) return [];
  // One array per column (a dozen replacements, whatever the batch size), unnested in the given order.
  const rows = await select<{ id: number; sessionUuid: string; userId: string; groupId: number | null; durationSeconds: number }>(
    tx,
    `WITH inserted AS (
     INSERT INTO study_sessions (session_uuid, user_id, group_id, duration_seconds, raw_seconds, paused_seconds, mode, subject, end_reason,
                                 session_date, session_notes, started_at, ended_at, created_at)
     SELECT v.uuid, v.user_id, (SELECT g.id FROM groups g WHERE g.id = v.group_id), v.duration, v.raw, v.paused, v.mode, v.subject, v.end_reason,
            v.started_at, v.notes, v.started_at, v.ended_at, clock_timestamp()
       FROM unnest(ARRAY[:uuids]::uuid[], ARRAY[:userIds]::text[], ARRAY[:groupIds]::int[], ARRAY[:durations]::int[], ARRAY[:raws]::int[],
                   ARRAY[:pauses]::int[], ARRAY[:modes]::text[], ARRAY[:subjects]::text[], ARRAY[:endReasons]::text[],
                   ARRAY[:startedAts]::timestamptz[], ARRAY[:endedAts]::timestamptz[], ARRAY[:notes]::text[])
            WITH ORDINALITY AS v(uuid, user_id, group_id, duration, raw, paused, mode, subject, end_reason, started_at, ended_at, notes, n)
      ORDER BY v.n
     ON CONFLICT (session_uuid) DO NOTHING
     RETURNING id, session_uuid, user_id, group_id, duration_seconds),
     counted AS (
     UPDATE users SET total_study_time = total_study_time + t.seconds, updated_at = now()
       FROM (SELECT user_id, sum(duration_seconds)::bigint AS seconds FROM inserted GROUP BY user_id) AS t
      WHERE users.user_id = t.user_id)
     SELECT id, session_uuid AS "sessionUuid", user_id AS "userId", group_id AS "groupId", duration_seconds AS "durationSeconds" FROM inserted ORDER BY id`,
    {
      uuids: list.map((s) => s.sessionUuid),
      userIds: list.map((s) => s.userId),
      groupIds: list.map((s) => s.groupId),
      durations: list.map((s) => s.durationSeconds),
      raws: list.map((s) => s.rawSeconds),
      pauses: list.map((s) => s.pausedSeconds),
      modes: list.map((s) => s.mode),
      subjects: list.map((s) => s.subject),
      endReasons: list.map((s) => s.endReason),
      startedAts: list.map((s) => s.startedAt.toISOString()),
      endedAts: list.map((s) => s.endedAt.toISOString()),
      notes: list.map((s) => s.notes),
    },
  );
  return rows.map((r) => ({
    id: Number(r.id),
    sessionUuid: r.sessionUuid,
    userId: r.userId,
    groupId: r.groupId === null ? null : Number(r.groupId),
    durationSeconds: Number(r.durationSeconds),
  }));
}

/** The stored sessions among these uuids: id, user and group by uuid. */
export async function findByUuids(db: Db, uuids: readonly string[]): Promise<Map<string, { id: number; groupId: number | null }>> {
  if (uuids.length === 0) return new Map();
  const rows = await select<{ id: number; sessionUuid: string; groupId: number | null }>(
    db,
    'SELECT id, session_uuid AS "sessionUuid", group_id AS "groupId" FROM study_sessions WHERE session_uuid IN (:uuids)',
    { uuids: [...uuids] },
  );
  return new Map(rows.map((r) => [r.sessionUuid, { id: Number(r.id), groupId: r.groupId === null ? null : Number(r.groupId) }]));
}

/** The user's sessions newest first (`started_at DESC, id DESC` keyset): `limit` of them after `cursor`, optionally in [from, to) and one group. */
export async function sessionsOf(
  db: Db,
  userId: string,
  page: { from?: Date; to?: Date; groupId?: number; after?: { startedAt: Date; id: number }; limit: number },
): Promise<SessionRecord[]> {
  const and: WhereOptions<StudySession>[] = [{ userId }];
  if (page.from) and.push({ startedAt: { [Op.gte]: page.from } });
  if (page.to) and.push({ startedAt: { [Op.lt]: page.to } });
  if (page.groupId !== undefined) and.push({ groupId: page.groupId });
  if (page.after) {
    const at = page.after.startedAt;
    and.push({ [Op.or]: [{ startedAt: { [Op.lt]: at } }, { startedAt: at, id: { [Op.lt]: page.after.id } }] });
  }
  const rows = await StudySession.findAll({
    where: { [Op.and]: and },
    order: [
      ['startedAt', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: page.limit,
    ...within(db),
  });
  return rows.map((row) => row.get({ plain: true }) as SessionRecord);
}

/** Sets the notes of one of the user's sessions; null when they have no such session. */
export async function updateNotesOf(db: Db, userId: string, id: number, sessionNotes: string | null): Promise<SessionRecord | null> {
  const session = await StudySession.findOne({ where: { id, userId }, ...within(db) });
  if (!session) return null;
  await session.update({ sessionNotes }, within(db));
  return session.get({ plain: true }) as SessionRecord;
}

/**
 * Counted seconds of the user's sessions that started on the local date `day`
 * (YYYY-MM-DD in `timeZone`, as stats count them): the timer's daily-cap check (issue 15),
 * read the way the worker's cap reads it (`storedAndDayTotals`).
 */
export async function secondsOnLocalDay(db: Db, userId: string, timeZone: string, day: string): Promise<number> {
  const { dayTotals } = await storedAndDayTotals(db, [], [{ userId, timeZone, day }]);
  return dayTotals.get(localDayKey(userId, timeZone, day)) ?? 0;
}

/** The key of a (user, time zone, local day) in `storedAndDayTotals`'s day totals. */
export const localDayKey = (userId: string, timeZone: string, day: string): string => `${userId}\u0000${timeZone}\u0000${day}`;

/**
 * In one statement (one round trip under a batch's locks): the stored sessions among
 * `uuids` (as `findByUuids`), and the counted seconds stored for each (user, time zone,
 * local day), by `localDayKey`.
 */
export async function storedAndDayTotals(
  db: Db,
  uuids: readonly string[],
  days: ReadonlyArray<{ userId: string; timeZone: string; day: string }>,
): Promise<{ stored: Map<string, { id: number; groupId: number | null }>; dayTotals: Map<string, number> }> {
  const stored = new Map<string, { id: number; groupId: number | null }>();
  const dayTotals = new Map<string, number>();
  if (uuids.length === 0 && days.length === 0) return { stored, dayTotals };
  const rows = await select<{
    sessionUuid: string | null;
    id: number | null;
    groupId: number | null;
    userId: string | null;
    tz: string | null;
    day: string | null;
    seconds: string | null;
  }>(
    db,
    `SELECT s.session_uuid::text AS "sessionUuid", s.id, s.group_id AS "groupId", NULL AS "userId", NULL AS tz, NULL AS day, NULL::bigint AS seconds
       FROM study_sessions s WHERE s.session_uuid = ANY(ARRAY[:uuids]::uuid[])
     UNION ALL
     SELECT NULL, NULL, NULL, k.user_id, k.tz, k.day,
            (SELECT SUM(duration_seconds) FROM study_sessions
              WHERE user_id = k.user_id AND (started_at AT TIME ZONE k.tz)::date = CAST(k.day AS date)
                AND started_at >= CAST(k.day AS date) - INTERVAL '2 days' AND started_at < CAST(k.day AS date) + INTERVAL '3 days')
       FROM unnest(ARRAY[:userIds]::text[], ARRAY[:timeZones]::text[], ARRAY[:days]::text[]) AS k(user_id, tz, day)`,
    { uuids: [...uuids], userIds: days.map((d) => d.userId), timeZones: days.map((d) => d.timeZone), days: days.map((d) => d.day) },
  );
  for (const r of rows) {
    if (r.sessionUuid !== null) stored.set(r.sessionUuid, { id: Number(r.id), groupId: r.groupId === null ? null : Number(r.groupId) });
    else if (r.userId !== null && r.tz !== null && r.day !== null) dayTotals.set(localDayKey(r.userId, r.tz, r.day), Number(r.seconds ?? 0));
  }
  return { stored, dayTotals };
}
