import type { SessionEndReason } from '../../shared/enums';
import { localDate } from '../streaks';

/**
 * Daily cap rules (issue 15), pure. A session counts for the local date it started on
 * (the user's time zone), as stats, streaks and the cap all read it.
 */

/**
 * A session's counted seconds shortened so that its day, which already holds
 * `storedSeconds`, stays within `capSeconds`; `daily_cap` is its end reason when it was
 * shortened (else the reason it had).
 */
export function capDuration(
  session: { durationSeconds: number; endReason: SessionEndReason },
  storedSeconds: number,
  capSeconds: number,
): { durationSeconds: number; endReason: SessionEndReason } {
  const room = Math.max(0, capSeconds - storedSeconds);
  if (session.durationSeconds <= room) return session;
  return { durationSeconds: room, endReason: 'daily_cap' };
}

/**
 * Caps a user's sessions in the order they are stored: each one against the sessions of
 * its own local day stored before it (`stored`: what the database already holds, by
 * local date). The reference the persist path follows one session at a time; tests use
 * it to check days across a local midnight.
 */
export function capSessions<S extends { startedAt: string; durationSeconds: number; endReason: SessionEndReason }>(
  sessions: S[],
  stored: Map<string, number>,
  timeZone: string,
  capSeconds: number,
): Array<S & { day: string }> {
  const totals = new Map(stored);
  return sessions.map((s) => {
    const day = localDate(new Date(s.startedAt), timeZone);
    const capped = capDuration(s, totals.get(day) ?? 0, capSeconds);
    totals.set(day, (totals.get(day) ?? 0) + capped.durationSeconds);
    return { ...s, ...capped, day };
  });
}
