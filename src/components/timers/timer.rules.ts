import type { SessionEndReason, SessionMode, TimerState } from '../../shared/enums';
import type { SessionDto, TimerDto } from '../../realtime/events';

/** Pomodoro settings in minutes (a "minute" is POMODORO_MINUTE_SECONDS long; 60 outside tests). */
export interface PomodoroSettings {
  focusMinutes: number;
  breakMinutes: number;
  longBreakMinutes: number;
  cyclesBeforeLongBreak: number;
}

export const DEFAULT_POMODORO: PomodoroSettings = { focusMinutes: 25, breakMinutes: 5, longBreakMinutes: 15, cyclesBeforeLongBreak: 4 };

/** A running timer as stored in Redis (`timer:<userId>`). */
export interface StoredTimer {
  /** ISO-8601 instant, by the server clock. */
  startedAt: string;
  groupId: number | null;
  /** The future session's id: the persist job's id and the row's idempotency key. */
  sessionUuid: string;
  mode: SessionMode;
  subject: string | null;
  /** Pomodoro settings (mode `pomodoro`), else null. */
  pomodoro: PomodoroSettings | null;
  /** Length of a Pomodoro "minute" in ms, fixed at the start (60 000 outside tests). */
  minuteMs: number;
  /** Time spent in finished pauses, in ms. */
  pausedMs: number;
  /** ISO instant the current pause began; null while running. */
  pausedAt: string | null;
  /** Where it was started: a socket-started timer is stopped by the AFK guard. */
  origin: 'socket' | 'rest';
  /**
   * Focus ms this timer may count before its local day reaches DAILY_CAP_HOURS (the cap
   * minus what the day of its start already held when it started); null: no cap known.
   */
  capFocusMs: number | null;
}

/** A stored timer from its identity, the rest defaulted: a running stopwatch started over REST, no cap. */
export const storedTimer = (fields: Pick<StoredTimer, 'startedAt' | 'groupId' | 'sessionUuid'> & Partial<StoredTimer>): StoredTimer => ({
  mode: 'stopwatch',
  subject: null,
  pomodoro: null,
  minuteMs: 60_000,
  pausedMs: 0,
  pausedAt: null,
  origin: 'rest',
  capFocusMs: null,
  ...fields,
});

// ---- Pure clock arithmetic (every function takes `now`: the injected clock) ----

/** Wall time from the start to `now`, in ms (never negative). */
export const rawMs = (timer: StoredTimer, now: number): number => Math.max(0, now - Date.parse(timer.startedAt));

/** Paused time up to `now` (finished pauses + the current one), in ms. */
export function pausedMsAt(timer: StoredTimer, now: number): number {
  const current = timer.pausedAt === null ? 0 : Math.max(0, now - Date.parse(timer.pausedAt));
  return Math.min(rawMs(timer, now), timer.pausedMs + current);
}

/** Unpaused ("active") time up to `now`, in ms: the clock a Pomodoro runs on. */
export const activeMsAt = (timer: StoredTimer, now: number): number => Math.max(0, rawMs(timer, now) - pausedMsAt(timer, now));

/** Where a Pomodoro is after `activeMs` of unpaused time. */
export interface PomodoroPhase {
  state: 'focus' | 'break';
  /** 0-based phase number: focus 1 is 0, its break 1, focus 2 is 2, … (a deterministic id per phase). */
  index: number;
  /** 1-based cycle: the n-th focus and the break after it. */
  cycle: number;
  /** Active ms at which this phase ends. */
  endsAtActiveMs: number;
  /** Focus time counted so far, in ms. */
  focusMs: number;
}

/**
 * The Pomodoro phase after `activeMs` of unpaused time: focus, break, focus, … with a
 * long break instead of the break after every `cyclesBeforeLongBreak`-th focus. Only the
 * active time moves it, so a pause freezes it wherever it is, a break included.
 */
export function pomodoroPhase(settings: PomodoroSettings, minuteMs: number, activeMs: number): PomodoroPhase {
  const focus = settings.focusMinutes * minuteMs;
  const brk = settings.breakMinutes * minuteMs;
  const long = settings.longBreakMinutes * minuteMs;
  const n = settings.cyclesBeforeLongBreak;
  const round = n * focus + (n - 1) * brk + long;
  const rounds = Math.floor(activeMs / round);
  let pos = rounds * round;
  const base = rounds * n;
  for (let i = 0; i < n; i += 1) {
    const cycle = base + i + 1;
    const index = (base + i) * 2;
    const focusBefore = (base + i) * focus;
    if (activeMs < pos + focus) return { state: 'focus', index, cycle, endsAtActiveMs: pos + focus, focusMs: focusBefore + (activeMs - pos) };
    pos += focus;
    const pause = i === n - 1 ? long : brk;
    if (activeMs < pos + pause) return { state: 'break', index: index + 1, cycle, endsAtActiveMs: pos + pause, focusMs: focusBefore + focus };
    pos += pause;
  }
  /* c8 ignore next: unreachable (activeMs < (rounds + 1) * round) */
  return { state: 'focus', index: (base + n) * 2, cycle: base + n + 1, endsAtActiveMs: pos + focus, focusMs: (base + n) * focus };
}

/** Focus time of the first `activeMs` of active time (stopwatch: all of it). */
export function focusMsForActive(timer: StoredTimer, activeMs: number): number {
  return timer.mode === 'pomodoro' && timer.pomodoro ? pomodoroPhase(timer.pomodoro, timer.minuteMs, activeMs).focusMs : activeMs;
}

/** Counted focus time at `now`, in ms. */
export const focusMsAt = (timer: StoredTimer, now: number): number => focusMsForActive(timer, activeMsAt(timer, now));

/**
 * The smallest active time at which `focusMs` of focus is reached (the inverse of
 * focusMsForActive): for a Pomodoro, the focus time is found inside the focus phases.
 */
export function activeMsForFocus(timer: StoredTimer, focusMs: number): number {
  if (timer.mode !== 'pomodoro' || !timer.pomodoro) return focusMs;
  const s = timer.pomodoro;
  const focus = s.focusMinutes * timer.minuteMs;
  const n = s.cyclesBeforeLongBreak;
  const round = n * focus + (n - 1) * s.breakMinutes * timer.minuteMs + s.longBreakMinutes * timer.minuteMs;
  const full = Math.max(0, Math.ceil(focusMs / (n * focus)) - 1);
  let rest = focusMs - full * n * focus;
  let active = full * round;
  for (let i = 0; i < n && rest > 0; i += 1) {
    if (rest <= focus) return active + rest;
    rest -= focus;
    active += focus + (i === n - 1 ? s.longBreakMinutes : s.breakMinutes) * timer.minuteMs;
  }
  return active + rest;
}

/**
 * The wall instant (ms) at which the timer, if it is not paused again, reaches `focusMs`
 * of counted focus; null while paused (its clock does not move).
 */
export function instantOfFocus(timer: StoredTimer, now: number, focusMs: number): number | null {
  if (timer.pausedAt !== null) return null;
  return now + Math.max(0, activeMsForFocus(timer, focusMs) - activeMsAt(timer, now));
}

/**
 * When the timer next needs the server's attention (wall ms): the end of the current
 * Pomodoro phase or the instant the daily cap is reached, whichever comes first; null
 * while paused or when neither applies (a stopwatch without a cap).
 */
export function nextTickAt(timer: StoredTimer, now: number): number | null {
  if (timer.pausedAt !== null) return null;
  const active = activeMsAt(timer, now);
  const candidates: number[] = [];
  if (timer.mode === 'pomodoro' && timer.pomodoro) candidates.push(now + (pomodoroPhase(timer.pomodoro, timer.minuteMs, active).endsAtActiveMs - active));
  if (timer.capFocusMs !== null) {
    const at = instantOfFocus(timer, now, timer.capFocusMs);
    if (at !== null) candidates.push(at);
  }
  return candidates.length === 0 ? null : Math.ceil(Math.min(...candidates));
}

/** The live view of a timer at `now`. */
export interface TimerView {
  state: TimerState;
  focusSeconds: number;
  pausedSeconds: number;
  /** Pomodoro only: the phase (also while paused: the phase that is frozen). */
  phase: PomodoroPhase | null;
  /** Pomodoro only: wall ms the phase ends (while paused: if resumed at `now`). */
  phaseEndsAtMs: number | null;
}

export function viewTimer(timer: StoredTimer, now: number): TimerView {
  const active = activeMsAt(timer, now);
  const phase = timer.mode === 'pomodoro' && timer.pomodoro ? pomodoroPhase(timer.pomodoro, timer.minuteMs, active) : null;
  return {
    state: timer.pausedAt !== null ? 'paused' : (phase?.state ?? 'focus'),
    focusSeconds: Math.floor((phase ? phase.focusMs : active) / 1000),
    pausedSeconds: Math.floor(pausedMsAt(timer, now) / 1000),
    phase,
    phaseEndsAtMs: phase ? now + (phase.endsAtActiveMs - active) : null,
  };
}

export function toTimerDto(timer: StoredTimer, now: number = Date.now()): TimerDto {
  const view = viewTimer(timer, now);
  return {
    startedAt: timer.startedAt,
    groupId: timer.groupId,
    mode: timer.mode,
    state: view.state,
    subject: timer.subject,
    focusSeconds: view.focusSeconds,
    pausedSeconds: view.pausedSeconds,
    phaseEndsAt: view.phaseEndsAtMs === null ? null : new Date(view.phaseEndsAtMs).toISOString(),
    cycle: view.phase?.cycle ?? null,
    pomodoro: timer.pomodoro,
  };
}

/** The timer paused at `now`; null when it is already paused. */
export function pauseTimer(timer: StoredTimer, now: number): StoredTimer | null {
  if (timer.pausedAt !== null) return null;
  return { ...timer, pausedAt: new Date(Math.max(now, Date.parse(timer.startedAt))).toISOString() };
}

/** The timer resumed at `now` (its pause added to `pausedMs`); null when it is not paused. */
export function resumeTimer(timer: StoredTimer, now: number): StoredTimer | null {
  if (timer.pausedAt === null) return null;
  return { ...timer, pausedMs: pausedMsAt(timer, now), pausedAt: null };
}

// ---- Stored forms ----

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isMinutes = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;

function parsePomodoro(v: unknown): PomodoroSettings | null {
  if (!isObject(v)) return null;
  const { focusMinutes, breakMinutes, longBreakMinutes, cyclesBeforeLongBreak } = v;
  if (!isMinutes(focusMinutes, 180) || !isMinutes(breakMinutes, 180) || !isMinutes(longBreakMinutes, 180) || !isMinutes(cyclesBeforeLongBreak, 12)) return null;
  return { focusMinutes, breakMinutes, longBreakMinutes, cyclesBeforeLongBreak };
}

/**
 * Reads a stored timer; anything unreadable counts as no timer. Timers stored by the
 * previous release (`{startedAt, groupId, sessionUuid}` only) read as running stopwatches.
 */
export function parseStoredTimer(raw: string | null | undefined): StoredTimer | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Record<string, unknown>;
    if (typeof value.startedAt !== 'string' || Number.isNaN(Date.parse(value.startedAt)) || typeof value.sessionUuid !== 'string') return null;
    const pomodoro = value.mode === 'pomodoro' ? parsePomodoro(value.pomodoro) : null;
    const pausedAt = typeof value.pausedAt === 'string' && !Number.isNaN(Date.parse(value.pausedAt)) ? value.pausedAt : null;
    return {
      startedAt: value.startedAt,
      groupId: typeof value.groupId === 'number' ? value.groupId : null,
      sessionUuid: value.sessionUuid,
      mode: pomodoro ? 'pomodoro' : 'stopwatch',
      subject: typeof value.subject === 'string' ? value.subject : null,
      pomodoro,
      minuteMs: typeof value.minuteMs === 'number' && value.minuteMs > 0 ? value.minuteMs : 60_000,
      pausedMs: typeof value.pausedMs === 'number' && value.pausedMs >= 0 ? value.pausedMs : 0,
      pausedAt,
      origin: value.origin === 'socket' ? 'socket' : 'rest',
      capFocusMs: typeof value.capFocusMs === 'number' && value.capFocusMs >= 0 ? value.capFocusMs : null,
    };
  } catch {
    return null;
  }
}

/**
 * A stop recorded in Redis before its persist job is known to be queued: the timer as it
 * ran, the stop instant, the notes and the cap. Everything the session is computed from,
 * so whoever finishes the hand-over (the stopping node, a retried stop, the recovery
 * sweep) computes the same session.
 */
export interface PendingStop {
  stoppedAt: Date;
  notes: string | null;
  capSeconds: number | null;
  /** Why it stopped (absent in records of the previous release: `stopped`, or `max_hours` when capped). */
  endReason: SessionEndReason | null;
  timer: StoredTimer;
}

const END_REASONS: readonly string[] = ['stopped', 'disconnected', 'max_hours', 'daily_cap'];

/** Reads a pending stop; null when unreadable (its timer could not have been stored either). */
export function parsePendingStop(raw: string): PendingStop | null {
  try {
    const value = JSON.parse(raw) as { stoppedAt?: unknown; notes?: unknown; capSeconds?: unknown; endReason?: unknown; timer?: unknown };
    const timer = parseStoredTimer(JSON.stringify(value.timer ?? null));
    const stoppedAt = typeof value.stoppedAt === 'string' ? new Date(value.stoppedAt) : undefined;
    if (!timer || !stoppedAt || Number.isNaN(stoppedAt.getTime())) return null;
    return {
      stoppedAt,
      notes: typeof value.notes === 'string' ? value.notes : null,
      capSeconds: typeof value.capSeconds === 'number' && Number.isInteger(value.capSeconds) && value.capSeconds > 0 ? value.capSeconds : null,
      endReason: typeof value.endReason === 'string' && END_REASONS.includes(value.endReason) ? (value.endReason as SessionEndReason) : null,
      timer,
    };
  } catch {
    return null;
  }
}

export interface StoppedSession {
  session: SessionDto;
  /** Under MIN_SESSION_SECONDS of focus: not stored. */
  discarded: boolean;
}

/**
 * The session a stop produces at `now`: it ends at `now`, or at `startedAt + capSeconds`
 * of wall time when that comes first (a forgotten timer stopped by the worker ends at the
 * cap). `rawSeconds` is start to end, `pausedSeconds` the paused part of it, and
 * `durationSeconds` the counted focus time (all of the unpaused time of a stopwatch, the
 * focus phases of a Pomodoro). Discarded under `minSeconds` of focus. A clock step
 * backwards never yields a negative duration.
 */
export function sessionFromTimer(
  timer: StoredTimer,
  now: Date,
  options: { minSeconds: number; capSeconds?: number; notes?: string | null; endReason?: SessionEndReason | null },
): StoppedSession {
  const startedMs = Date.parse(timer.startedAt);
  let endedMs = Math.max(startedMs, now.getTime());
  const capped = options.capSeconds !== undefined && endedMs - startedMs > options.capSeconds * 1000;
  if (options.capSeconds !== undefined && capped) endedMs = startedMs + options.capSeconds * 1000;
  const raw = Math.floor(rawMs(timer, endedMs) / 1000);
  const paused = Math.min(raw, Math.floor(pausedMsAt(timer, endedMs) / 1000));
  const focus = Math.min(raw, Math.floor(focusMsAt(timer, endedMs) / 1000));
  const startedAt = new Date(startedMs).toISOString();
  return {
    discarded: focus < Math.max(1, options.minSeconds),
    session: {
      id: null,
      sessionUuid: timer.sessionUuid,
      groupId: timer.groupId,
      durationSeconds: focus,
      sessionDate: startedAt,
      startedAt,
      endedAt: new Date(endedMs).toISOString(),
      sessionNotes: options.notes ?? null,
      rawSeconds: raw,
      pausedSeconds: paused,
      mode: timer.mode,
      subject: timer.subject,
      endReason: capped ? 'max_hours' : (options.endReason ?? 'stopped'),
    },
  };
}
