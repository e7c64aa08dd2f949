import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../lib/context';
import { AppError, conflict } from '../../lib/errors';
import type { PersistSessionJob } from '../../lib/queues';
import type { SessionDto, TimerDto } from '../../realtime/events';
import { isMember, requireMember } from '../groups/group-access';
import { sessionFromTimer, toTimerDto, type StoredTimer } from './timer.rules';
import { putTimerIfAbsent, readTimer, takeTimer } from './timer.store';

export interface ActorOptions {
  /** The socket that acted: it gets the ack, its user's other sockets get `timer:state`. */
  exceptSocketId?: string;
}

/**
 * Starts the user's timer by the server clock. `groupId` must be a group the user is a
 * member of (NOT_FOUND/FORBIDDEN otherwise); CONFLICT when a timer already runs.
 */
export async function startTimer(ctx: AppContext, userId: string, groupId: number | null, options: ActorOptions = {}): Promise<TimerDto> {
  if (groupId !== null) await requireMember(groupId, userId);
  const timer: StoredTimer = { startedAt: new Date().toISOString(), groupId, sessionUuid: randomUUID() };
  if (!(await putTimerIfAbsent(ctx, userId, timer))) throw conflict('A timer is already running');
  const dto = toTimerDto(timer);
  if (groupId !== null) ctx.broadcast.toGroup(groupId, 'timer:started', { groupId, userId, startedAt: timer.startedAt });
  ctx.broadcast.toUser(userId, 'timer:state', { timer: dto }, options);
  return dto;
}

export async function getTimer(ctx: AppContext, userId: string): Promise<TimerDto | null> {
  const timer = await readTimer(ctx, userId);
  return timer ? toTimerDto(timer) : null;
}

export interface StopOptions extends ActorOptions {
  notes?: string | null;
  /** The stop instant (default: now, by this server's clock). */
  now?: Date;
  /** Caps the duration (the stale-timer job passes MAX_SESSION_HOURS in seconds). */
  capSeconds?: number;
}

/**
 * Stops the user's timer: null when none runs. A session under MIN_SESSION_SECONDS is
 * discarded; otherwise a `persist-session` job (id = sessionUuid, so a retried stop
 * never queues it twice) is enqueued and the session is answered with `id: null`.
 * If the enqueue fails the timer is put back (nothing is lost) and UNAVAILABLE thrown.
 */
export async function stopTimer(
  ctx: AppContext,
  userId: string,
  options: StopOptions = {},
): Promise<{ session: SessionDto | null; discarded: boolean } | null> {
  const timer = await takeTimer(ctx, userId);
  if (!timer) return null;
  const { session, discarded } = sessionFromTimer(timer, options.now ?? new Date(), {
    minSeconds: ctx.config.minSessionSeconds,
    capSeconds: options.capSeconds,
    notes: options.notes ?? null,
  });
  if (!discarded) {
    const job: PersistSessionJob = {
      sessionUuid: session.sessionUuid,
      userId,
      groupId: session.groupId,
      startedAt: session.startedAt,
      endedAt: session.endedAt,
      durationSeconds: session.durationSeconds,
      notes: session.sessionNotes,
    };
    try {
      await ctx.queues.sessions.add('persist-session', job, { jobId: session.sessionUuid });
    } catch (error) {
      ctx.logger.warn({ err: error, userId }, 'could not enqueue the session; putting the timer back');
      await putTimerIfAbsent(ctx, userId, timer).catch((putError: unknown) =>
        ctx.logger.error({ err: putError, userId, timer }, 'could not put the timer back'),
      );
      throw new AppError('UNAVAILABLE', 'Could not save the session, try again');
    }
  }
  // A timer keeps its group (the session is the user's history), but a user who left
  // the group meanwhile is no longer announced in its room.
  if (timer.groupId !== null && (await isMember(timer.groupId, userId).catch(() => false))) {
    ctx.broadcast.toGroup(timer.groupId, 'timer:stopped', { groupId: timer.groupId, userId, durationSeconds: session.durationSeconds });
  }
  ctx.broadcast.toUser(userId, 'timer:state', { timer: null }, options);
  return { session: discarded ? null : session, discarded };
}

/** stopTimer for the user-facing edges: CONFLICT when no timer runs. */
export async function stopRunningTimer(
  ctx: AppContext,
  userId: string,
  options: StopOptions = {},
): Promise<{ session: SessionDto | null; discarded: boolean }> {
  const result = await stopTimer(ctx, userId, { notes: options.notes, exceptSocketId: options.exceptSocketId });
  if (!result) throw conflict('No timer is running');
  return result;
}
