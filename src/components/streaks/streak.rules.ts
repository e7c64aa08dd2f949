/**
 * Streak rules (docs/DATA-MODEL.md, streaks). Pure functions over local calendar dates
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

/** The canonical name of an IANA zone this runtime knows, or undefined (the wire contract's: PATCH /me validates with it). */
export { canonicalTimeZone } from '../../shared/contract/users';

/**
 * The current streak as it reads now: a stored run whose last day is before yesterday
 * (in the user's timezone) has ended and reads 0.
 */
export function effectiveCurrentStreak(stored: number, lastActiveDate: string | null, timeZone: string, now: Date = new Date()): number {
  if (!lastActiveDate || stored <= 0) return 0;
  const today = localDate(now, timeZone);
  return lastActiveDate >= addDays(today, -1) ? stored : 0;
}

export interface StreakState {
  /** Length of the run ending on `lastActiveDate` (as stored; see effectiveCurrentStreak). */
  currentStreak: number;
  longestStreak: number;
  lastActiveDate: string | null;
  streakStartDate: string | null;
}

/**
 * The streak from the set of local study days (any order, duplicates allowed). The
 * stored current run is the one ending on the latest study day; it reads as the
 * current streak only while that day is today or yesterday (`effectiveCurrentStreak`).
 * `today` bounds nothing here (days in the future still count) but makes `current` 0
 * when the latest run ended before yesterday.
 */
export function computeStreak(days: Iterable<string>, today: string): StreakState & { current: number } {
  const [first, ...rest] = [...new Set(days)].sort();
  if (first === undefined) return { currentStreak: 0, longestStreak: 0, lastActiveDate: null, streakStartDate: null, current: 0 };
  let longest = 1;
  let runStart = first;
  let runLength = 1;
  let last = first;
  for (const day of rest) {
    if (day === addDays(last, 1)) {
      runLength += 1;
    } else {
      runStart = day;
      runLength = 1;
    }
    if (runLength > longest) longest = runLength;
    last = day;
  }
  const current = last >= addDays(today, -1) ? runLength : 0;
  return { currentStreak: runLength, longestStreak: longest, lastActiveDate: last, streakStartDate: runStart, current };
}
