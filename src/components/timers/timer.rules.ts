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
  if (options.capSeconds !== undefined && duration > options.capSeconds) {
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
    },
  };
}
