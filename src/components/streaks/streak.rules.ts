/**
 * Streak rules (PRODUCT.md pillar 3). Pure functions over local calendar dates
 * ("YYYY-MM-DD" strings in the user's IANA timezone); no database here.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of `instant` in `timeZone`, as YYYY-MM-DD. */
export function localDate(instant: Date, timeZone: string): string {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, fmt);
  }
  return fmt.format(instant);
}

/** Calendar arithmetic on YYYY-MM-DD strings (timezone-free). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** True when `timeZone` is an IANA zone this runtime knows. Returns the canonical name. */
export function canonicalTimeZone(timeZone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * The current streak as it reads now: a stored run whose last day is before yesterday
 * (in the user's timezone) has ended and reads 0.
 */
export function effectiveCurrentStreak(stored: number, lastActiveDate: string | null, timeZone: string, now: Date = new Date()): number {
  if (!lastActiveDate || stored <= 0) return 0;
  const today = localDate(now, timeZone);
  return lastActiveDate >= addDays(today, -1) ? stored : 0;
}
