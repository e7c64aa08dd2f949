/**
 * Focus timers (issue 15) as the client draws them: the server says how much focus time
 * counted as of its answer (`focusSeconds`), the state (`focus` | `break` | `paused`) and,
 * for a Pomodoro, when the phase ends (`phaseEndsAt`, server clock). Between answers and
 * events the client extrapolates: focus time grows only in `focus`, and never past the
 * phase's end (the server's `timer:phase` / `timer:state` then says what comes next).
 * Also: the phase-end alert (a WebAudio beep and, when allowed, a desktop notification).
 */
import { clockSkewMs } from './api';
import type { Timer } from './types';

export type TimerState = 'focus' | 'break' | 'paused';
export type TimerMode = 'stopwatch' | 'pomodoro';
export interface PomodoroSettings {
  focusMinutes: number;
  breakMinutes: number;
  longBreakMinutes: number;
  cyclesBeforeLongBreak: number;
}

/** The focus-timer fields of a Timer (optional here: a server before issue 15 sends none). */
export interface FocusFields {
  mode: TimerMode;
  state: TimerState;
  subject: string | null;
  focusSeconds: number;
  pausedSeconds: number;
  phaseEndsAt: string | null;
  cycle: number | null;
  pomodoro: PomodoroSettings | null;
}
export type AnyTimer = Timer & Partial<FocusFields>;

/** A timer as this client tracks it, its values as of `at` (server clock, ms). */
export interface LiveTimer {
  startedAt: string;
  groupId: number | null;
  mode: TimerMode;
  state: TimerState;
  subject: string | null;
  focusSeconds: number;
  /** Server-clock ms; while paused, `phaseEndsAt − at` is the time the phase has left. */
  phaseEndsAt: number | null;
  cycle: number | null;
  pomodoro: PomodoroSettings | null;
  at: number;
  /** What a paused timer returns to (best known: `focus` when it was paused before we saw it). */
  resumeTo: 'focus' | 'break';
}

/** Now by the server's clock (ms). */
export const serverNow = (): number => Date.now() + clockSkewMs;

const ms = (iso: string | null | undefined): number | null => (iso ? new Date(iso).getTime() : null);

/** A timer as received at `receivedAt` (this device's clock, ms). */
export function liveFrom(t: AnyTimer, receivedAt = Date.now()): LiveTimer {
  const at = receivedAt + clockSkewMs;
  const state = t.state ?? 'focus';
  return {
    startedAt: t.startedAt,
    groupId: t.groupId,
    mode: t.mode ?? 'stopwatch',
    state,
    subject: t.subject ?? null,
    // A server without focus fields counted everything since the start.
    focusSeconds: t.focusSeconds ?? Math.max(0, Math.floor((at - new Date(t.startedAt).getTime()) / 1000)),
    phaseEndsAt: ms(t.phaseEndsAt),
    cycle: t.cycle ?? null,
    pomodoro: t.pomodoro ?? null,
    at,
    resumeTo: state === 'break' ? 'break' : 'focus',
  };
}

/** Counted focus seconds at `now` (server clock). */
export function focusNow(t: LiveTimer, now = serverNow()): number {
  if (t.state !== 'focus') return t.focusSeconds;
  const end = t.phaseEndsAt === null ? now : Math.min(now, t.phaseEndsAt);
  return t.focusSeconds + Math.max(0, Math.floor((end - t.at) / 1000));
}

/** Seconds left in the Pomodoro phase (frozen while paused), or null for a stopwatch. */
export function phaseLeft(t: LiveTimer, now = serverNow()): number | null {
  if (t.phaseEndsAt === null) return null;
  const end = t.state === 'paused' ? t.phaseEndsAt + (now - t.at) : t.phaseEndsAt;
  return Math.max(0, Math.ceil((end - now) / 1000));
}

/** The length of the current phase in seconds, from the settings (null for a stopwatch or while unknown). */
export function phaseLength(t: LiveTimer): number | null {
  if (!t.pomodoro || t.cycle === null) return null;
  const state = t.state === 'paused' ? t.resumeTo : t.state;
  if (state === 'focus') return t.pomodoro.focusMinutes * 60;
  return (t.cycle % t.pomodoro.cyclesBeforeLongBreak === 0 ? t.pomodoro.longBreakMinutes : t.pomodoro.breakMinutes) * 60;
}

/** `timer:paused`: frozen at `focusSeconds`. */
export function pausedAt(t: LiveTimer, focusSeconds: number, now = serverNow()): LiveTimer {
  if (t.state === 'paused') return { ...t, focusSeconds };
  const phaseEndsAt = t.phaseEndsAt === null ? null : now + Math.max(0, t.phaseEndsAt - now);
  return { ...t, focusSeconds, state: 'paused', resumeTo: t.state, phaseEndsAt, at: now };
}

/** `timer:resumed`: running again in the phase the server says (state, phase end and cycle). */
export function resumedAt(
  t: LiveTimer,
  p: { focusSeconds: number; state: TimerState; phaseEndsAt: string | null; cycle: number | null },
  now = serverNow(),
): LiveTimer {
  const state = p.state === 'paused' ? t.resumeTo : p.state;
  return {
    ...t,
    focusSeconds: p.focusSeconds,
    state,
    phaseEndsAt: ms(p.phaseEndsAt),
    cycle: p.cycle,
    at: now,
    resumeTo: state === 'break' ? 'break' : 'focus',
  };
}

/** `timer:phase`: the next phase (focus time counted up to the change). */
export function phaseChanged(t: LiveTimer, p: { state: TimerState; phaseEndsAt: string | null; cycle: number | null }, now = serverNow()): LiveTimer {
  const focusSeconds = focusNow(t, now);
  return { ...t, focusSeconds, state: p.state, phaseEndsAt: ms(p.phaseEndsAt), cycle: p.cycle, at: now, resumeTo: p.state === 'break' ? 'break' : 'focus' };
}

export const STATE_LABEL: Record<TimerState, string> = { focus: 'Focus', break: 'Break', paused: 'Paused' };

// --- the phase-end alert ---
let audio: AudioContext | null = null;

/** Call from a click (browsers allow sound and permission prompts only after a gesture). */
export function prepareAlerts(): void {
  try {
    audio ??= new AudioContext();
    void audio.resume();
  } catch {
    audio = null;
  }
  if ('Notification' in window && Notification.permission === 'default') {
    Notification.requestPermission().catch(() => undefined);
  }
}

/** Two short beeps and, when the user allowed it, a desktop notification. */
export function phaseAlert(title: string, body: string): void {
  if (audio) {
    const start = audio.currentTime;
    for (const offset of [0, 0.25]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
      osc.connect(gain).connect(audio.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.2);
    }
  }
  if ('Notification' in window && Notification.permission === 'granted') {
    try {
      new Notification(title, { body, tag: 'studysync-phase' });
    } catch {
      // Some browsers allow notifications only from a service worker: the beep and the page suffice.
    }
  }
}
