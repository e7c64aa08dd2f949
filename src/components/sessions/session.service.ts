import { Op, QueryTypes, type WhereOptions } from 'sequelize';
import { StudySession } from '../../db/models';
import type { AppContext } from '../../context';
import { decodeCursor, encodeCursor, isCursorId, isCursorInstant } from '../../lib/cursor';
import { notFound } from '../../lib/errors';
import type { PersistSessionJob } from '../../lib/queues';
import type { SessionDto } from '../../realtime/events';
import { recomputeStreak } from '../streaks/streak.service';
import { toSessionDto } from './session.dto';

export interface PersistResult {
  /** False when the session was already stored (a duplicate or retried job). */
  inserted: boolean;
  id: number | null;
  /** The group the stored row counts for (null when none, or the group is gone). */
  groupId: number | null;
}

/**
 * Stores one stopped timer exactly once, in one transaction: lock the user's row (so
 * one user's jobs serialise), `INSERT … ON CONFLICT (session_uuid) DO NOTHING`, and
 * only when a row was really inserted add to `users.total_study_time` and recompute the
 * streak from the distinct local study days.
 */
export async function persistSession(ctx: AppContext, data: PersistSessionJob): Promise<PersistResult> {
  return ctx.sequelize.transaction(async (transaction) => {
    const [user] = await ctx.sequelize.query<{ tz: string | null }>(`SELECT preferences->>'timezone' AS tz FROM users WHERE user_id = :userId FOR UPDATE`, {
      replacements: { userId: data.userId },
      type: QueryTypes.SELECT,
      transaction,
    });
    if (!user) {
      ctx.logger.warn({ sessionUuid: data.sessionUuid, userId: data.userId }, 'session of an unknown user dropped');
      return { inserted: false, id: null, groupId: null };
    }
    const rows = await ctx.sequelize.query<{ id: number; groupId: number | null }>(
      `INSERT INTO study_sessions (session_uuid, user_id, group_id, duration_seconds, session_date, session_notes, started_at, ended_at, created_at)
       VALUES (:uuid, :userId, (SELECT id FROM groups WHERE id = :groupId), :duration, :startedAt, :notes, :startedAt, :endedAt, clock_timestamp())
       ON CONFLICT (session_uuid) DO NOTHING
       RETURNING id, group_id AS "groupId"`,
      {
        replacements: {
          uuid: data.sessionUuid,
          userId: data.userId,
          groupId: data.groupId,
          duration: data.durationSeconds,
          startedAt: new Date(data.startedAt),
          endedAt: new Date(data.endedAt),
          notes: data.notes,
        },
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    const row = rows[0];
    if (!row) {
      const existing = await StudySession.findOne({ where: { sessionUuid: data.sessionUuid }, attributes: ['id', 'groupId'], transaction });
      return { inserted: false, id: existing?.id ?? null, groupId: existing?.groupId ?? null };
    }
    await ctx.sequelize.query('UPDATE users SET total_study_time = total_study_time + :duration, updated_at = now() WHERE user_id = :userId', {
      replacements: { duration: data.durationSeconds, userId: data.userId },
      transaction,
    });
    await recomputeStreak(ctx.sequelize, data.userId, user.tz || 'UTC', transaction);
    return { inserted: true, id: Number(row.id), groupId: row.groupId === null ? null : Number(row.groupId) };
  });
}

interface SessionCursor {
  s: string;
  i: number;
}
const isSessionCursor = (v: unknown): v is SessionCursor =>
  typeof v === 'object' && v !== null && isCursorInstant((v as SessionCursor).s) && isCursorId((v as SessionCursor).i);

/** My sessions, newest first (`started_at DESC, id DESC` keyset), optionally in [from, to) and one group. */
export async function listSessions(
  userId: string,
  q: { from?: Date; to?: Date; groupId?: number; limit: number; cursor?: string },
): Promise<{ items: SessionDto[]; nextCursor: string | null }> {
  const cursor = decodeCursor(q.cursor, isSessionCursor);
  const and: WhereOptions<StudySession>[] = [{ userId }];
  if (q.from) and.push({ startedAt: { [Op.gte]: q.from } });
  if (q.to) and.push({ startedAt: { [Op.lt]: q.to } });
  if (q.groupId !== undefined) and.push({ groupId: q.groupId });
  if (cursor) {
    const at = new Date(cursor.s);
    and.push({ [Op.or]: [{ startedAt: { [Op.lt]: at } }, { startedAt: at, id: { [Op.lt]: cursor.i } }] });
  }
  const rows = await StudySession.findAll({
    where: { [Op.and]: and },
    order: [
      ['startedAt', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toSessionDto),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ s: last.startedAt.toISOString(), i: last.id }) : null,
  };
}

/** Edits the notes of one of my sessions; anyone else's is NOT_FOUND. */
export async function updateSessionNotes(userId: string, id: number, sessionNotes: string | null): Promise<SessionDto> {
  const session = await StudySession.findOne({ where: { id, userId } });
  if (!session) throw notFound('Session');
  await session.update({ sessionNotes });
  return toSessionDto(session);
}
