import type { SessionDto, TimerDto } from '../../realtime/events';

/** A running timer as stored in Redis (`timer:<userId>`). */
export interface StoredTimer {
  /** ISO-8601 instant, by the server clock. */
  startedAt: string;
  groupId: number | null;
  /** The future session's id: the persist job's id and the row's idempotency key. */
  sessionUuid: string;
}

export const toTimerDto = (timer: StoredTimer): TimerDto => ({ startedAt: timer.startedAt, groupId: timer.groupId });

/** Reads a stored timer; anything unreadable counts as no timer. */
export function parseStoredTimer(raw: string | null | undefined): StoredTimer | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<StoredTimer>;
    if (typeof value.startedAt !== 'string' || Number.isNaN(Date.parse(value.startedAt)) || typeof value.sessionUuid !== 'string') return null;
    return { startedAt: value.startedAt, groupId: typeof value.groupId === 'number' ? value.groupId : null, sessionUuid: value.sessionUuid };
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
  timer: StoredTimer;
}

/** Reads a pending stop; null when unreadable (its timer could not have been stored either). */
export function parsePendingStop(raw: string): PendingStop | null {
  try {
    const value = JSON.parse(raw) as { stoppedAt?: unknown; notes?: unknown; capSeconds?: unknown; timer?: unknown };
    const timer = parseStoredTimer(JSON.stringify(value.timer ?? null));
    const stoppedAt = typeof value.stoppedAt === 'string' ? new Date(value.stoppedAt) : undefined;
    if (!timer || !stoppedAt || Number.isNaN(stoppedAt.getTime())) return null;
    return {
      stoppedAt,
      notes: typeof value.notes === 'string' ? value.notes : null,
      capSeconds: typeof value.capSeconds === 'number' && Number.isInteger(value.capSeconds) && value.capSeconds > 0 ? value.capSeconds : null,
      timer,
    };
  } catch {
    return null;
  }
}

export interface StoppedSession {
  session: SessionDto;
  /** Under MIN_SESSION_SECONDS: not stored. */
  discarded: boolean;
}

/**
 * The session a stop produces: `durationSeconds = floor((endedAt - startedAt) / 1 s)`,
 * capped at `capSeconds` (a forgotten timer stopped by the worker ends at the cap), and
 * discarded under `minSeconds`. A clock step backwards never yields a negative duration.
 */
export function sessionFromTimer(timer: StoredTimer, now: Date, options: { minSeconds: number; capSeconds?: number; notes?: string | null }): StoppedSession {
  const startedMs = Date.parse(timer.startedAt);
  let duration = Math.max(0, Math.floor((now.getTime() - startedMs) / 1000));
  let endedMs = Math.max(startedMs, now.getTime());
  const capped = options.capSeconds !== undefined && duration > options.capSeconds;
  if (options.capSeconds !== undefined && capped) {
    duration = options.capSeconds;
    endedMs = startedMs + options.capSeconds * 1000;
  }
  const startedAt = new Date(startedMs).toISOString();
  return {
    discarded: duration < Math.max(1, options.minSeconds),
    session: {
      id: null,
      sessionUuid: timer.sessionUuid,
      groupId: timer.groupId,
      durationSeconds: duration,
      sessionDate: startedAt,
      startedAt,
      endedAt: new Date(endedMs).toISOString(),
      sessionNotes: options.notes ?? null,
      rawSeconds: duration,
      pausedSeconds: 0,
      mode: 'stopwatch',
      subject: null,
      endReason: capped ? 'max_hours' : 'stopped',
    },
  };
}
