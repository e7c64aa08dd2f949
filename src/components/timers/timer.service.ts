import { randomUUID } from 'node:crypto';
import type { Actor, AppContext } from '../../context';
import { AppError, conflict } from '../../lib/errors';
import type { PersistSessionJob } from '../../lib/queues';
import type { SessionDto, TimerDto } from '../../realtime/events';
import { isMember, requireAccess } from '../groups';
import type { SessionEndReason, SessionMode } from '../../shared/enums';
import { awayBefore, clearAway, expireDeadSockets, hasLiveSocket } from './afk.store';
import { secondsOnLocalDay } from '../sessions';
import { findUser, userTimeZone } from '../users';
import {
  DEFAULT_POMODORO,
  focusMsAt,
  instantOfFocus,
  nextTickAt,
  pauseTimer,
  resumeTimer,
  sessionFromTimer,
  toTimerDto,
  viewTimer,
  type PomodoroSettings,
  type StoredTimer,
} from './timer.rules';
import {
  advancePhase,
  clearPendingStop,
  pendingStopsBefore,
  putTimerIfAbsent,
  readPendingStop,
  readTimer,
  readTimerRaw,
  replaceTimer,
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

export interface StartInput {
  groupId: number | null;
  subject?: string | null;
  mode?: SessionMode;
  pomodoro?: PomodoroSettings | null;
}

/**
 * Starts the user's timer by the server clock. `groupId` must be a group the user is a
 * member of (NOT_FOUND/FORBIDDEN otherwise); CONFLICT when a timer already runs. A stop
 * of the user still pending (its node died mid-stop) is handed over first. The acting
 * socket (`actor.socketId`) gets the ack; the user's other sockets get `timer:state`.
 * A timer started over a socket is watched by the AFK guard; over REST it is not.
 */
export async function startTimer(ctx: AppContext, actor: Actor, input: StartInput): Promise<TimerDto> {
  const { userId } = actor;
  const { groupId } = input;
  const options: ActorOptions = { exceptSocketId: actor.socketId };
  if (groupId !== null) await requireAccess(ctx.sequelize, groupId, userId, 'timer.start');
  const mode: SessionMode = input.mode ?? (input.pomodoro ? 'pomodoro' : 'stopwatch');
  const now = Date.now();
  const timer: StoredTimer = {
    startedAt: new Date(now).toISOString(),
    groupId,
    sessionUuid: randomUUID(),
    mode,
    subject: input.subject ?? null,
    pomodoro: mode === 'pomodoro' ? { ...DEFAULT_POMODORO, ...(input.pomodoro ?? {}) } : null,
    minuteMs: ctx.config.pomodoroMinuteSeconds * 1000,
    pausedMs: 0,
    pausedAt: null,
    origin: actor.socketId ? 'socket' : 'rest',
    capFocusMs: await dailyAllowanceMs(ctx, userId, new Date(now)),
  };
  // The first tick is queued before the timer is stored: a node dying in between leaves a
  // tick that finds no such timer (ignored), never a timer without its ticks.
  await scheduleTick(ctx, userId, timer, now);
  let put = await putTimerIfAbsent(ctx, userId, timer);
  if (put === 'pending') {
    await finishPendingStop(ctx, userId, { throwOnEnqueueFailure: true });
    put = await putTimerIfAbsent(ctx, userId, timer);
  }
  if (put === 'pending') throw new AppError('UNAVAILABLE', 'Your previous session is still being saved, try again');
  if (put === 'running') throw conflict('A timer is already running');
  const dto = toTimerDto(timer, now);
  if (groupId !== null) {
    ctx.broadcast.toGroup(groupId, 'timer:started', {
      groupId,
      userId,
      startedAt: timer.startedAt,
      mode: dto.mode,
      state: dto.state,
      subject: dto.subject,
      focusSeconds: dto.focusSeconds,
      phaseEndsAt: dto.phaseEndsAt,
      cycle: dto.cycle,
    });
  }
  ctx.broadcast.toUser(userId, 'timer:state', { timer: dto }, options);
  return dto;
}

/**
 * How much focus the user may still count on the local day of `at` (DAILY_CAP_HOURS minus
 * the sessions stored for that day), in ms. The stored session is capped again when it is
 * persisted (persistSessions), so a session still queued at this point cannot overrun it.
 */
async function dailyAllowanceMs(ctx: AppContext, userId: string, at: Date): Promise<number> {
  const user = await findUser(ctx.sequelize, userId);
  const timeZone = user ? userTimeZone(user) : 'UTC';
  const stored = await secondsOnLocalDay(ctx, userId, timeZone, at);
  return Math.max(0, ctx.config.dailyCapHours * 3600 - stored) * 1000;
}

export async function getTimer(ctx: AppContext, actor: Actor): Promise<TimerDto | null> {
  const timer = await readTimer(ctx, actor.userId);
  return timer ? toTimerDto(timer) : null;
}

/**
 * Pauses (`pause`) or resumes the user's running timer: CONFLICT when none runs, when
 * pausing a paused one or resuming a running one. A compare-and-set on the stored timer,
 * retried when a concurrent change won. The room hears `timer:paused` / `timer:resumed`
 * (the latter with the phase: `state`, `phaseEndsAt`, `cycle`),
 * the user's other sockets `timer:state`; a resume schedules the next tick (a pause leaves
 * the pending tick to find the timer paused and do nothing).
 */
export async function pauseOrResume(ctx: AppContext, actor: Actor, action: 'pause' | 'resume'): Promise<TimerDto> {
  const { userId } = actor;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const current = await readTimerRaw(ctx, userId);
    if (!current) throw conflict('No timer is running');
    const now = Date.now();
    const next = action === 'pause' ? pauseTimer(current.timer, now) : resumeTimer(current.timer, now);
    if (!next) throw conflict(action === 'pause' ? 'The timer is already paused' : 'The timer is not paused');
    // As at the start: the resumed clock's tick is queued first (a stale one does nothing).
    if (action === 'resume') await scheduleTick(ctx, userId, next, now);
    if (!(await replaceTimer(ctx, userId, current.raw, next))) continue;
    const dto = toTimerDto(next, now);
    const groupId = next.groupId;
    if (groupId !== null) {
      const { focusSeconds, state, phaseEndsAt, cycle } = dto;
      if (action === 'pause') ctx.broadcast.toGroup(groupId, 'timer:paused', { groupId, userId, focusSeconds });
      // With the phase it runs in now, so a peer draws the right one (not a guess).
      else ctx.broadcast.toGroup(groupId, 'timer:resumed', { groupId, userId, focusSeconds, state, phaseEndsAt, cycle });
    }
    ctx.broadcast.toUser(userId, 'timer:state', { timer: dto }, { exceptSocketId: actor.socketId });
    return dto;
  }
  throw new AppError('UNAVAILABLE', 'The timer is changing, try again');
}

/**
 * Queues the timer's next tick: a delayed `timer-tick` maintenance job at the next
 * Pomodoro phase end or the instant the daily cap is reached, whichever comes first
 * (nothing while paused: the resume queues it). Its job id is the timer and the due
 * instant, so every node computing the same tick queues one job; a stale one (the
 * timer paused, resumed, stopped or replaced since) finds nothing to do. Best effort:
 * a tick that cannot be queued is logged; the next start, resume or tick queues again.
 */
async function scheduleTick(ctx: AppContext, userId: string, timer: StoredTimer, now: number): Promise<void> {
  const due = nextTickAt(timer, now);
  if (due === null) return;
  try {
    await ctx.queues.maintenance.add(
      'timer-tick',
      { userId, sessionUuid: timer.sessionUuid },
      { jobId: `timer-tick-${timer.sessionUuid}-${due}`, delay: Math.max(0, due - now), removeOnComplete: true, removeOnFail: { age: 3600 } },
    );
  } catch (error) {
    ctx.logger.warn({ err: error, component: 'timers', userId }, 'timer tick not queued');
  }
}

/**
 * A `timer-tick` job: re-derives the timer from its stored start, pauses and settings at
 * `now` and acts on what is due. The daily cap reached → the timer stops, ending when the
 * cap was reached (`endReason: "daily_cap"`). A Pomodoro phase changed → `timer:phase` to
 * the room and `timer:state` to the user, once per phase whatever the number of ticks
 * racing (the last announced phase is moved forward atomically). Then the next tick.
 */
export async function timerTick(ctx: AppContext, input: { userId: string; sessionUuid: string; now?: number }): Promise<{ action: string }> {
  const { userId, sessionUuid } = input;
  const now = input.now ?? Date.now();
  const current = await readTimerRaw(ctx, userId);
  if (!current || current.timer.sessionUuid !== sessionUuid) return { action: 'stale' };
  const timer = current.timer;
  if (timer.pausedAt !== null) return { action: 'paused' };
  if (timer.capFocusMs !== null && focusMsAt(timer, now) >= timer.capFocusMs) {
    const capAt = instantOfFocus(timer, now, timer.capFocusMs) ?? now;
    await stopTimer(ctx, { userId, now: new Date(Math.min(now, capAt)), endReason: 'daily_cap', onlySessionUuid: sessionUuid });
    return { action: 'daily_cap' };
  }
  let action = 'none';
  const view = viewTimer(timer, now);
  if (view.phase && view.phase.index > 0 && (await advancePhase(ctx, sessionUuid, view.phase.index))) {
    const dto = toTimerDto(timer, now);
    if (timer.groupId !== null) {
      ctx.broadcast.toGroup(timer.groupId, 'timer:phase', { groupId: timer.groupId, userId, state: dto.state, phaseEndsAt: dto.phaseEndsAt, cycle: dto.cycle });
    }
    ctx.broadcast.toUser(userId, 'timer:state', { timer: dto });
    action = 'phase';
  }
  await scheduleTick(ctx, userId, timer, now);
  return { action };
}

export interface StopInput extends ActorOptions {
  /** Whose timer stops. */
  userId: string;
  notes?: string | null;
  /** The stop instant (default: now, by this server's clock). */
  now?: Date;
  /** Caps the duration (the stale-timer job passes MAX_SESSION_HOURS in seconds). */
  capSeconds?: number;
  /** Why it stops (default `stopped`; `max_hours` whenever the cap cuts it). */
  endReason?: SessionEndReason;
  /** Stop only the timer with this session id (a guard's stop must not end a newer timer). */
  onlySessionUuid?: string;
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
    endReason: stop.endReason,
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
    const taken = await takeTimer(ctx, userId, {
      stoppedAt,
      notes: options.notes ?? null,
      capSeconds: options.capSeconds ?? null,
      endReason: options.endReason ?? null,
      onlySessionUuid: options.onlySessionUuid,
    });
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
 * The AFK guard's sweep (issue 15): users whose node died have their sockets expired
 * first; then every socket-started timer whose user has had no live socket for
 * AFK_GRACE_SECONDS stops, ending at the instant the last socket went away
 * (`endReason: "disconnected"`). A user back meanwhile left `timer-afk` when their socket
 * connected. Idempotent, safe on every node and worker at once (the stop is atomic and
 * limited to that very timer).
 */
export async function stopAwayTimers(ctx: AppContext, input: { now?: number } = {}): Promise<{ stopped: number }> {
  const now = input.now ?? Date.now();
  await expireDeadSockets(ctx, now);
  let stopped = 0;
  for (const { userId, goneAt } of await awayBefore(ctx, now - ctx.config.afkGraceSeconds * 1000)) {
    if (!(await hasLiveSocket(ctx, userId, now))) {
      const timer = await readTimer(ctx, userId);
      if (timer && timer.origin === 'socket' && Date.parse(timer.startedAt) <= goneAt) {
        const result = await stopTimer(ctx, { userId, now: new Date(goneAt), endReason: 'disconnected', onlySessionUuid: timer.sessionUuid });
        if (result) stopped += 1;
      }
    }
    await clearAway(ctx, userId, goneAt);
  }
  return { stopped };
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
    try {
      await stopAwayTimers(ctx);
    } catch (error) {
      ctx.logger.warn({ err: error, component: 'timers' }, 'AFK sweep failed');
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
