import type { Transaction } from 'sequelize';
import type { Actor, AppContext } from '../../context';
import { decodeCursor, encodeCursor, isCursorId, isCursorInstant } from '../../lib/cursor';
import { notFound } from '../../lib/errors';
import type { PersistSessionJob } from '../../lib/queues';
import type { SessionDto } from '../../realtime/events';
import { recordDailyGoals } from '../goals';
import { localDate, recomputeStreaks } from '../streaks';
import { dailyGoalMinutesOf, forgetUser, type LockedUser, lockUsers, userTimeZone } from '../users';
import { toSessionDto } from './session.dto';
import { capDuration } from './session.rules';
import * as sessions from './sessions.repository';

export interface PersistResult {
  /** False when the session was already stored (a duplicate or retried job). */
  inserted: boolean;
  id: number | null;
  /** The group the stored row counts for (null when none, or the group is gone). */
  groupId: number | null;
}

/**
 * Stores one stopped timer exactly once, in one transaction: `persistSessions` with one
 * job (the worker's fallback when a batch fails, and the tests' direct path) — lock the
 * user's row, cap the local day (issue 15), `INSERT … ON CONFLICT (session_uuid) DO
 * NOTHING` and, only when a row was really inserted, add to `users.total_study_time`,
 * bring the streak up to date (incrementally when it can) and record a daily goal met
 * (goal:met, once per local day).
 */
export async function persistSession(ctx: AppContext, data: PersistSessionJob): Promise<PersistResult> {
  const [result] = await persistSessions(ctx, [data]);
  return result as PersistResult;
}

const newSessionOf = (data: PersistSessionJob): sessions.NewSession => ({
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

/**
 * The users of a batch, before the insert (under their row locks): of their jobs (each
 * session once), the sessions already stored (retried or duplicate jobs: neither stored
 * again nor counted twice), and the others to store, each shortened by the daily cap as
 * the daily cap requires (issue 15: a local day holds at most DAILY_CAP_HOURS; a session
 * shortened ends as `daily_cap`). One statement reads both what is stored among
 * the jobs and the stored seconds of every (user, local day) of theirs; then per user the
 * batch's new sessions of each day are added in job order. Users in the order given.
 */
async function sessionsToStore(
  ctx: AppContext,
  tx: Transaction,
  batch: ReadonlyArray<{ user: LockedUser; jobs: readonly PersistSessionJob[] }>,
): Promise<{ existing: Map<string, { id: number; groupId: number | null }>; toStore: sessions.NewSession[] }> {
  const capSeconds = ctx.config.dailyCapHours * 3600;
  const planned = batch.map(({ user, jobs }) => {
    const timeZone = userTimeZone(user);
    return { userId: user.userId, timeZone, jobs: jobs.map((job) => ({ job, day: localDate(new Date(job.startedAt), timeZone) })) };
  });
  const keys = new Map<string, { userId: string; timeZone: string; day: string }>();
  for (const { userId, timeZone, jobs } of planned) {
    for (const { day } of jobs) keys.set(sessions.localDayKey(userId, timeZone, day), { userId, timeZone, day });
  }
  const uuids = planned.flatMap((p) => p.jobs.map(({ job }) => job.sessionUuid));
  const { stored: existing, dayTotals } = await sessions.storedAndDayTotals(tx, uuids, [...keys.values()]);
  const toStore: sessions.NewSession[] = [];
  for (const { userId, timeZone, jobs } of planned) {
    for (const { job, day } of jobs) {
      if (existing.has(job.sessionUuid)) continue;
      const key = sessions.localDayKey(userId, timeZone, day);
      const before = dayTotals.get(key) ?? 0;
      const capped = capDuration({ durationSeconds: job.durationSeconds, endReason: job.endReason ?? 'stopped' }, before, capSeconds);
      dayTotals.set(key, before + capped.durationSeconds);
      toStore.push({ ...newSessionOf(job), durationSeconds: capped.durationSeconds, endReason: capped.endReason });
    }
  }
  return { existing, toStore };
}

/**
 * The users of a batch, after the insert and the total update (under their row locks),
 * once each, with the sessions of theirs really inserted (counted ones only): the streaks
 * (incremental when they can) and the daily goals (goal:met once per local day), each in a
 * constant number of statements for the whole batch (recomputeStreaks, recordDailyGoals).
 * persistSession is this with its one user.
 */
async function afterUsersSessions(
  ctx: AppContext,
  tx: Transaction,
  batch: ReadonlyArray<{ user: LockedUser; inserted: ReadonlyArray<{ id: number; startedAt: Date }> }>,
): Promise<void> {
  const inputs = batch.map(({ user, inserted }) => ({
    userId: user.userId,
    timeZone: userTimeZone(user),
    dailyGoalMinutes: dailyGoalMinutesOf(user),
    sessions: inserted,
  }));
  await recomputeStreaks(ctx, inputs, tx);
  await recordDailyGoals(ctx, inputs, tx);
}

export interface PersistHooks {
  /** Called once the transaction is over (committed or rolled back), before the caches are dropped (the worker's batcher starts its next batch). */
  transactionEnded?: () => void;
}

/**
 * `persistSession` for many jobs in one transaction (the worker's micro-batches): the users'
 * rows locked in user id order (no deadlock between batches), the daily cap, one multi-row
 * `INSERT … ON CONFLICT (session_uuid) DO NOTHING RETURNING` that also adds to the users'
 * totals, then the per-user steps for all users at once (afterUsersSessions). Results in
 * the jobs' order; a session that appears twice is inserted by its first job only. Exactly once as persistSession: only rows really
 * inserted are counted, and a job run again finds its row. Throws when anything fails
 * (nothing is stored then): the caller falls back to one job at a time.
 */
export async function persistSessions(ctx: AppContext, jobs: readonly PersistSessionJob[], hooks: PersistHooks = {}): Promise<PersistResult[]> {
  const transaction = ctx.sequelize.transaction(async (tx) => {
    const userIds = [...new Set(jobs.map((j) => j.userId))].sort();
    const users = new Map((await lockUsers(tx, userIds)).map((u) => [u.userId, u]));
    // Each session once (its first job), by user.
    const jobsByUser = new Map<string, PersistSessionJob[]>();
    const firstJobs = new Map<string, PersistSessionJob>();
    for (const job of jobs) {
      if (!users.has(job.userId) || firstJobs.has(job.sessionUuid)) continue;
      firstJobs.set(job.sessionUuid, job);
      const list = jobsByUser.get(job.userId);
      if (list) list.push(job);
      else jobsByUser.set(job.userId, [job]);
    }
    const byUserId = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);
    const { existing, toStore } = await sessionsToStore(
      ctx,
      tx,
      [...jobsByUser].sort(byUserId).map(([userId, list]) => ({ user: users.get(userId) as LockedUser, jobs: list })),
    );
    // The sessions this batch stores (not stored before), by uuid.
    const byUuid = new Map([...firstJobs].filter(([uuid]) => !existing.has(uuid)));
    // The rows and, in the same statement, the users' totals (only rows really inserted count).
    const rows = await sessions.insertSessionsAndCount(tx, toStore);
    const insertedByUser = new Map<string, sessions.InsertedSession[]>();
    for (const row of rows) {
      const list = insertedByUser.get(row.userId);
      if (list) list.push(row);
      else insertedByUser.set(row.userId, [row]);
    }
    await afterUsersSessions(
      ctx,
      tx,
      [...insertedByUser].sort(byUserId).map(([userId, list]) => ({
        user: users.get(userId) as LockedUser,
        inserted: list
          .filter((r) => r.durationSeconds > 0)
          .map((r) => ({ id: r.id, startedAt: new Date((byUuid.get(r.sessionUuid) as PersistSessionJob).startedAt) })),
      })),
    );
    const inserted = new Map(rows.map((r) => [r.sessionUuid, r]));
    // A row another transaction stored meanwhile (ON CONFLICT skipped it here) is found too.
    const raced = [...byUuid.keys()].filter((uuid) => !inserted.has(uuid));
    for (const [uuid, row] of await sessions.findByUuids(tx, raced)) existing.set(uuid, row);
    return { users, inserted, existing };
  });
  let stored: Awaited<typeof transaction>;
  try {
    stored = await transaction;
  } finally {
    hooks.transactionEnded?.();
  }
  const { users, inserted, existing } = stored;
  const insertedUsers = [...new Set([...inserted.values()].map((r) => r.userId))];
  // Committed: these users' totals and streaks moved, so every node drops its cached copies.
  if (insertedUsers.length > 0) await forgetUser(ctx, insertedUsers);
  const claimed = new Set<string>();
  return jobs.map((job) => {
    if (!users.has(job.userId)) {
      ctx.logger.warn({ sessionUuid: job.sessionUuid, userId: job.userId }, 'session of an unknown user dropped');
      return { inserted: false, id: null, groupId: null };
    }
    const row = inserted.get(job.sessionUuid);
    if (row && !claimed.has(job.sessionUuid)) {
      claimed.add(job.sessionUuid);
      return { inserted: true, id: row.id, groupId: row.groupId };
    }
    const stored = row ?? existing.get(job.sessionUuid);
    return { inserted: false, id: stored?.id ?? null, groupId: stored?.groupId ?? null };
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

/** Counted seconds of the user's sessions stored for the local date of `at` in `timeZone` (issue 15's daily cap). */
export async function secondsOnLocalDay(ctx: AppContext, userId: string, timeZone: string, at: Date): Promise<number> {
  return sessions.secondsOnLocalDay(ctx.sequelize, userId, timeZone, localDate(at, timeZone));
}
