import { clockSkewMs } from './api';

/** Seconds since a server-clock instant, by the client's clock corrected for skew. */
export function elapsedSeconds(startedAt: string): number {
  return Math.max(0, Math.floor((Date.now() + clockSkewMs - new Date(startedAt).getTime()) / 1000));
}

/** This device's IANA time zone (e.g. `Europe/Paris`), or null when the browser does not say. */
export function deviceTimeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

/** A `YYYY-MM-DD` local date (already in the user's zone) as "Mon 24", without shifting it by this device's zone. */
export function dayLabel(date: string, options: Intl.DateTimeFormatOptions = { weekday: 'short' }): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString([], { ...options, timeZone: 'UTC' });
}
