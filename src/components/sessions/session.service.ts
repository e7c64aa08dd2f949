import type { Actor, AppContext } from '../../context';
import { decodeCursor, encodeCursor, isCursorId, isCursorInstant } from '../../lib/cursor';
import { notFound } from '../../lib/errors';
import type { PersistSessionJob } from '../../lib/queues';
import type { SessionDto } from '../../realtime/events';
import { recordDailyGoal } from '../goals';
import { recomputeStreak } from '../streaks';
import { dailyGoalMinutesOf, lockUser, userTimeZone } from '../users';
import { toSessionDto } from './session.dto';
import * as sessions from './sessions.repository';

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
 * only when a row was really inserted add to `users.total_study_time`, bring the streak
 * up to date (incrementally when it can) and record a daily goal met (goal:met, once per
 * local day).
 */
export async function persistSession(ctx: AppContext, data: PersistSessionJob): Promise<PersistResult> {
  return ctx.sequelize.transaction(async (tx) => {
    const user = await lockUser(tx, data.userId);
    if (!user) {
      ctx.logger.warn({ sessionUuid: data.sessionUuid, userId: data.userId }, 'session of an unknown user dropped');
      return { inserted: false, id: null, groupId: null };
    }
    const row = await sessions.insertSessionOnce(tx, {
      sessionUuid: data.sessionUuid,
      userId: data.userId,
      groupId: data.groupId,
      durationSeconds: data.durationSeconds,
      rawSeconds: data.rawSeconds ?? data.durationSeconds,
      pausedSeconds: data.pausedSeconds ?? 0,
      mode: data.mode ?? 'stopwatch',
      subject: data.subject ?? null,
      endReason: data.endReason ?? 'stopped',
      startedAt: new Date(data.startedAt),
      endedAt: new Date(data.endedAt),
      notes: data.notes,
    });
    if (!row) {
      const existing = await sessions.findByUuid(tx, data.sessionUuid);
      return { inserted: false, id: existing?.id ?? null, groupId: existing?.groupId ?? null };
    }
    await sessions.addStudyTime(tx, data.userId, data.durationSeconds);
    const stored = [{ id: row.id, startedAt: new Date(data.startedAt) }];
    await recomputeStreak(ctx, { userId: data.userId, timeZone: userTimeZone(user), sessions: stored }, tx);
    await recordDailyGoal(ctx, { userId: data.userId, timeZone: userTimeZone(user), dailyGoalMinutes: dailyGoalMinutesOf(user), sessions: stored }, tx);
    return { inserted: true, id: row.id, groupId: row.groupId };
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
  ctx: AppContext,
  actor: Actor,
  q: { from?: Date; to?: Date; groupId?: number; limit: number; cursor?: string },
): Promise<{ items: SessionDto[]; nextCursor: string | null }> {
  const cursor = decodeCursor(q.cursor, isSessionCursor);
  const rows = await sessions.sessionsOf(ctx.sequelize, actor.userId, {
    from: q.from,
    to: q.to,
    groupId: q.groupId,
    after: cursor ? { startedAt: new Date(cursor.s), id: cursor.i } : undefined,
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
export async function updateSessionNotes(ctx: AppContext, actor: Actor, input: { sessionId: number; sessionNotes: string | null }): Promise<SessionDto> {
  const session = await sessions.updateNotesOf(ctx.sequelize, actor.userId, input.sessionId, input.sessionNotes);
  if (!session) throw notFound('Session');
  return toSessionDto(session);
}
