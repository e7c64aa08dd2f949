import { randomUUID } from 'node:crypto';
import type { Actor, AppContext } from '../../context';
import { AppError, conflict } from '../../lib/errors';
import type { PersistSessionJob } from '../../lib/queues';
import type { SessionDto, TimerDto } from '../../realtime/events';
import { isMember, requireAccess } from '../groups';
import { sessionFromTimer, toTimerDto, type StoredTimer } from './timer.rules';
import {
  clearPendingStop,
  pendingStopsBefore,
  putTimerIfAbsent,
  readPendingStop,
  readTimer,
  takeTimer,
  timersStartedBefore,
  type PendingRecord,
} from './timer.store';

interface ActorOptions {
  /** The socket that acted: it gets the ack, its user's other sockets get `timer:state`. */
  exceptSocketId?: string;
}

export interface StopResult {
  session: SessionDto | null;
  discarded: boolean;
}

/**
 * A pending stop younger than this is left to the node that is handing it over; the
 * recovery sweep takes older ones (their node died, or the queue was unreachable).
 */
export const PENDING_STOP_GRACE_MS = 5000;

/**
 * Starts the user's timer by the server clock. `groupId` must be a group the user is a
 * member of (NOT_FOUND/FORBIDDEN otherwise); CONFLICT when a timer already runs. A stop
 * of the user still pending (its node died mid-stop) is handed over first. The acting
 * socket (`actor.socketId`) gets the ack; the user's other sockets get `timer:state`.
 */
export async function startTimer(ctx: AppContext, actor: Actor, input: { groupId: number | null }): Promise<TimerDto> {
  const { userId } = actor;
  const { groupId } = input;
  const options: ActorOptions = { exceptSocketId: actor.socketId };
  if (groupId !== null) await requireAccess(ctx.sequelize, groupId, userId, 'timer.start');
  const timer: StoredTimer = { startedAt: new Date().toISOString(), groupId, sessionUuid: randomUUID() };
  let put = await putTimerIfAbsent(ctx, userId, timer);
  if (put === 'pending') {
    await finishPendingStop(ctx, userId, { throwOnEnqueueFailure: true });
    put = await putTimerIfAbsent(ctx, userId, timer);
  }
  if (put === 'pending') throw new AppError('UNAVAILABLE', 'Your previous session is still being saved, try again');
  if (put === 'running') throw conflict('A timer is already running');
  const dto = toTimerDto(timer);
  if (groupId !== null) ctx.broadcast.toGroup(groupId, 'timer:started', { groupId, userId, startedAt: timer.startedAt });
  ctx.broadcast.toUser(userId, 'timer:state', { timer: dto }, options);
  return dto;
}

export async function getTimer(ctx: AppContext, actor: Actor): Promise<TimerDto | null> {
  const timer = await readTimer(ctx, actor.userId);
  return timer ? toTimerDto(timer) : null;
}

export interface StopInput extends ActorOptions {
  /** Whose timer stops. */
  userId: string;
  notes?: string | null;
  /** The stop instant (default: now, by this server's clock). */
  now?: Date;
  /** Caps the duration (the stale-timer job passes MAX_SESSION_HOURS in seconds). */
  capSeconds?: number;
}

interface HandOverOptions extends ActorOptions {
  /** Start needs the hand-over done; a stop is acknowledged once its pending record is written. */
  throwOnEnqueueFailure?: boolean;
}

/**
 * Finishes a hand-over from its pending record: computes the session, queues its
 * `persist-session` job (job id = sessionUuid: queuing twice is a no-op, and the
 * worker's insert is idempotent), then clears the record and tells the room and the
 * user's sockets. If the queue cannot be reached the record stays and the recovery
 * sweep queues it later, so the stop is safe either way.
 */
async function handOver(ctx: AppContext, userId: string, record: PendingRecord, options: HandOverOptions = {}): Promise<StopResult | null> {
  const log = ctx.logger.child({ component: 'timers' });
  const stop = record.stop;
  if (!stop) {
    log.error({ userId, record: record.raw }, 'unreadable pending stop dropped');
    await clearPendingStop(ctx, userId, record);
    return null;
  }
  const { session, discarded } = sessionFromTimer(stop.timer, stop.stoppedAt, {
    minSeconds: ctx.config.minSessionSeconds,
    capSeconds: stop.capSeconds ?? undefined,
    notes: stop.notes,
  });
  let queued = true;
  if (!discarded) {
    const job: PersistSessionJob = {
      sessionUuid: session.sessionUuid,
      userId,
      groupId: session.groupId,
      startedAt: session.startedAt,
      endedAt: session.endedAt,
      durationSeconds: session.durationSeconds,
      notes: session.sessionNotes,
      rawSeconds: session.rawSeconds,
      pausedSeconds: session.pausedSeconds,
      mode: session.mode,
      subject: session.subject,
      endReason: session.endReason,
    };
    try {
      await ctx.queues.sessions.add('persist-session', job, { jobId: session.sessionUuid });
    } catch (error) {
      if (options.throwOnEnqueueFailure) throw error;
      queued = false;
      log.warn({ err: error, userId, sessionUuid: session.sessionUuid }, 'session not queued yet; its pending stop will be queued by the recovery sweep');
    }
  }
  if (queued) {
    await clearPendingStop(ctx, userId, record).catch((error: unknown) =>
      // The job is queued: the sweep re-queues the record (a no-op) and clears it.
      log.warn({ err: error, userId }, 'pending stop not cleared yet'),
    );
  }
  // A timer keeps its group (the session is the user's history), but a user who left
  // the group meanwhile is no longer announced in its room.
  const groupId = stop.timer.groupId;
  if (groupId !== null && (await isMember(ctx.sequelize, groupId, userId).catch(() => false))) {
    ctx.broadcast.toGroup(groupId, 'timer:stopped', { groupId, userId, durationSeconds: session.durationSeconds });
  }
  ctx.broadcast.toUser(userId, 'timer:state', { timer: null }, options);
  return { session: discarded ? null : session, discarded };
}

/** Hands over the user's pending stop, if any; its result, or null when none is pending. */
async function finishPendingStop(ctx: AppContext, userId: string, options: HandOverOptions = {}): Promise<StopResult | null> {
  const record = await readPendingStop(ctx, userId);
  return record ? handOver(ctx, userId, record, options) : null;
}

/**
 * Stops the user's timer: null when none runs. The timer is moved into a pending-stop
 * record in the same atomic step that deletes it (see timer.store.ts), then handed over
 * to its persist job. A session under MIN_SESSION_SECONDS is discarded; otherwise it is
 * answered with `id: null` (stored by a worker shortly). A stop of the user that is still
 * pending (its node died mid-stop) is finished first; when no timer runs then, its
 * session is the answer (a retried stop gets what the lost answer would have said).
 * Used by the user-facing stop, the stale-timer job and account deletion.
 */
export async function stopTimer(ctx: AppContext, input: StopInput): Promise<StopResult | null> {
  const { userId, ...options } = input;
  const stoppedAt = options.now ?? new Date();
  let previous: StopResult | null = null;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const taken = await takeTimer(ctx, userId, { stoppedAt, notes: options.notes ?? null, capSeconds: options.capSeconds ?? null });
    if (taken.kind === 'taken') return handOver(ctx, userId, taken.record, options);
    if (taken.kind === 'none') return previous;
    previous = (await finishPendingStop(ctx, userId, { ...options, throwOnEnqueueFailure: true })) ?? previous;
  }
  throw new AppError('UNAVAILABLE', 'Could not stop the timer, try again');
}

/** stopTimer for the user-facing edges: CONFLICT when no timer runs (and no stop is pending). */
export async function stopRunningTimer(ctx: AppContext, actor: Actor, input: { notes?: string | null }): Promise<StopResult> {
  const result = await stopTimer(ctx, { userId: actor.userId, notes: input.notes, exceptSocketId: actor.socketId });
  if (!result) throw conflict('No timer is running');
  return result;
}

/** The maintenance job: stops timers running longer than MAX_SESSION_HOURS, their duration capped there. */
export async function stopStaleTimers(ctx: AppContext, input: { now?: Date } = {}): Promise<{ stopped: number }> {
  const now = input.now ?? new Date();
  const capSeconds = ctx.config.maxSessionHours * 3600;
  let stopped = 0;
  for (const userId of await timersStartedBefore(ctx, now.getTime() - capSeconds * 1000, 1000)) {
    const result = await stopTimer(ctx, { userId, notes: null, now, capSeconds });
    if (result) stopped += 1;
  }
  return { stopped };
}

/**
 * The recovery sweep: every stop pending for longer than PENDING_STOP_GRACE_MS (its node
 * died between recording it and queuing its job, or the queue was unreachable) is handed
 * over now. Idempotent and safe to run on every node and worker at once.
 */
export async function recoverPendingStops(ctx: AppContext, input: { now?: number } = {}): Promise<{ recovered: number }> {
  const now = input.now ?? Date.now();
  const log = ctx.logger.child({ component: 'timers' });
  let recovered = 0;
  for (const userId of await pendingStopsBefore(ctx, now - PENDING_STOP_GRACE_MS, 500)) {
    try {
      const record = await readPendingStop(ctx, userId);
      if (!record) {
        await clearPendingStop(ctx, userId, { raw: '', stop: null }); // an index entry without its record
        continue;
      }
      await handOver(ctx, userId, record, { throwOnEnqueueFailure: true });
      recovered += 1;
      log.info({ userId, sessionUuid: record.stop?.timer.sessionUuid }, 'pending stop recovered');
    } catch (error) {
      log.warn({ err: error, userId }, 'pending stop not recovered yet');
    }
  }
  return { recovered };
}

/**
 * Runs the recovery sweep at once and then every `intervalMs` (API nodes and workers
 * alike, so a deployment that has either recovers). Returns the function that stops it.
 */
export function startStopRecovery(ctx: AppContext, intervalMs = PENDING_STOP_GRACE_MS): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async (): Promise<void> => {
    try {
      await recoverPendingStops(ctx);
    } catch (error) {
      ctx.logger.warn({ err: error, component: 'timers' }, 'pending-stop sweep failed');
    }
    if (!stopped) {
      timer = setTimeout(() => void tick(), intervalMs);
      timer.unref();
    }
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
