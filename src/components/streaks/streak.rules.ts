/**
 * Streak rules (docs/DATA-MODEL.md, streaks). Pure functions over local calendar dates
 * ("YYYY-MM-DD" strings in the user's IANA timezone); no database here.
 */

/** Per time zone: its formatter, and the last answer with the second it is good for. */
const zones = new Map<string, { fmt: Intl.DateTimeFormat; second: number; date: string }>();

/**
 * The calendar date of `instant` in `timeZone`, as YYYY-MM-DD. Every offset in the time
 * zone database is a whole number of seconds, so a zone's date cannot change inside one
 * second: the last answer per zone is reused within its second (boards and stats ask
 * this for every entry of every read).
 */
export function localDate(instant: Date, timeZone: string): string {
  const second = Math.floor(instant.getTime() / 1000);
  let zone = zones.get(timeZone);
  if (!zone) {
    zone = { fmt: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }), second: Number.NaN, date: '' };
    zones.set(timeZone, zone);
  }
  if (zone.second !== second) {
    zone.date = zone.fmt.format(instant);
    zone.second = second;
  }
  return zone.date;
}

/** Calendar arithmetic on YYYY-MM-DD strings (timezone-free). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The canonical name of an IANA zone this runtime knows, or undefined (the wire contract's: PATCH /me validates with it). */
export { canonicalTimeZone } from '../../shared/contract/users';

/** Whole days from `from` to `to` (YYYY-MM-DD, timezone-free; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Streak freezes (issue 16). The precise rule, a pure function of the set of studied
 * local days, walked in calendar order:
 *
 * - The streak counts **studied days** of the current run; a bridged (frozen) day keeps
 *   the run alive without adding to it.
 * - A freeze is earned on the studied day that makes the run's count a multiple of
 *   `FREEZE_EVERY` (day 7, 14, 21, … of the streak, counting studied days only, so a
 *   bridge does not reset the earning counter), unless `MAX_FREEZES` are already held
 *   (the extra one is lost, not banked).
 * - Between two studied days with k ≥ 1 missed days in between: when k ≤ freezes held,
 *   the gap is bridged, k freezes are used and the run continues (+1 for the new
 *   studied day); otherwise the run ends (no freeze is used: a gap is never partly
 *   bridged), the new day starts a run of 1, and the freezes held are **kept** (they are
 *   the user's, not the run's).
 * - Reading "now" (`effectiveStreak`): today not yet studied never breaks the streak (as
 *   before freezes: a run whose last day is yesterday still reads). The missed days are
 *   those strictly between the last studied day and today; when they are ≤ the freezes
 *   held, the streak still reads and those days show as frozen, and the freezes they
 *   will use are no longer available; otherwise the streak reads 0 and the freezes held
 *   stay available.
 */
export const FREEZE_EVERY = 7;
export const MAX_FREEZES = 2;

export interface StreakState {
  /** Studied days in the run ending on `lastActiveDate` (as stored; see effectiveStreak). */
  currentStreak: number;
  longestStreak: number;
  lastActiveDate: string | null;
  streakStartDate: string | null;
  /** Freezes held after `lastActiveDate` (0–MAX_FREEZES), before any gap up to today. */
  freezesAvailable: number;
}

export const EMPTY_STREAK: StreakState = Object.freeze({
  currentStreak: 0,
  longestStreak: 0,
  lastActiveDate: null,
  streakStartDate: null,
  freezesAvailable: 0,
});

/**
 * Folds one studied day into the state in O(1): the incremental path (issue 13). Returns
 * the same state for a day already counted, and null for a day before `lastActiveDate`
 * (out of order: the caller recomputes from all days). `bridged` receives the frozen days.
 */
export function applyStudyDay(state: StreakState, day: string, bridged?: string[]): StreakState | null {
  const last = state.lastActiveDate;
  if (last !== null && day < last) return null;
  if (day === last) return state;
  let freezes = state.freezesAvailable;
  let run = 1;
  let start = day;
  if (last !== null) {
    const missed = daysBetween(last, day) - 1;
    if (missed <= freezes) {
      freezes -= missed;
      run = state.currentStreak + 1;
      start = state.streakStartDate ?? day;
      if (bridged) for (let i = 1; i <= missed; i++) bridged.push(addDays(last, i));
    }
  }
  if (run % FREEZE_EVERY === 0) freezes = Math.min(MAX_FREEZES, freezes + 1);
  return { currentStreak: run, longestStreak: Math.max(state.longestStreak, run), lastActiveDate: day, streakStartDate: start, freezesAvailable: freezes };
}

/** Folds new studied days (any order) into a state; null when one is before its `lastActiveDate`. */
export function applyStudyDays(state: StreakState, days: Iterable<string>): StreakState | null {
  let next: StreakState | null = state;
  for (const day of [...new Set(days)].sort()) {
    next = applyStudyDay(next, day);
    if (!next) return null;
  }
  return next;
}

/** The stored state from all studied days (any order, duplicates allowed), and the bridged days of its history. */
export function walkStreak(days: Iterable<string>): { state: StreakState; bridged: string[] } {
  const bridged: string[] = [];
  let state = EMPTY_STREAK;
  // Sorted and distinct: never null.
  for (const day of [...new Set(days)].sort()) state = applyStudyDay(state, day, bridged) as StreakState;
  return { state, bridged };
}

/**
 * The streak as it reads on `today` (see the rule above): `current` (0 once broken),
 * the freezes still available, and the days up to yesterday that are frozen so far
 * (`pending`, days a next study day would bridge).
 */
export function effectiveStreak(
  state: Pick<StreakState, 'currentStreak' | 'lastActiveDate' | 'freezesAvailable'>,
  today: string,
): { current: number; freezesAvailable: number; pending: string[] } {
  const last = state.lastActiveDate;
  if (!last || state.currentStreak <= 0) return { current: 0, freezesAvailable: state.freezesAvailable, pending: [] };
  const missed = Math.max(0, daysBetween(last, today) - 1);
  if (missed > state.freezesAvailable) return { current: 0, freezesAvailable: state.freezesAvailable, pending: [] };
  return {
    current: state.currentStreak,
    freezesAvailable: state.freezesAvailable - missed,
    pending: Array.from({ length: missed }, (_, i) => addDays(last, i + 1)),
  };
}

/**
 * The current streak as it reads now, from the stored row: 0 once the missed days since
 * `lastActiveDate` (today excluded) exceed the freezes held.
 */
export function effectiveCurrentStreak(stored: number, lastActiveDate: string | null, timeZone: string, now: Date = new Date(), freezesAvailable = 0): number {
  return effectiveStreak({ currentStreak: stored, lastActiveDate, freezesAvailable }, localDate(now, timeZone)).current;
}

/**
 * The stored streak from the set of local study days (any order, duplicates allowed),
 * plus `current`: how it reads on `today` (effectiveStreak).
 */
export function computeStreak(days: Iterable<string>, today: string): StreakState & { current: number } {
  const { state } = walkStreak(days);
  return { ...state, current: effectiveStreak(state, today).current };
}

/** The streak row as stored, with what the incremental path checks (issue 13). */
export interface StoredStreak extends StreakState {
  /** The time zone the row's days were computed in. */
  timeZone: string | null;
  /** The user's newest session id the row has counted (the guard against history written straight into `study_sessions`). */
  lastSessionId: number | null;
}

/**
 * The incremental step (issue 13), O(1) per new day: the stored row plus the local days
 * of newly stored sessions, when the row provably counted every other session — it was
 * computed in the same time zone and its `lastSessionId` is the user's newest session
 * id apart from the new ones (no row yet: the user has no other session). Returns null
 * when the caller must recompute from all days: a day before the row's last active day
 * (out-of-order arrival), a changed time zone, or sessions the row never saw (an import).
 */
export function incrementalStreak(
  stored: StoredStreak | null,
  change: { timeZone: string; newestOtherSessionId: number | null; days: Iterable<string> },
): StreakState | null {
  if (stored === null) return change.newestOtherSessionId === null ? applyStudyDays(EMPTY_STREAK, change.days) : null;
  if (stored.timeZone !== change.timeZone || stored.lastSessionId === null || stored.lastSessionId !== change.newestOtherSessionId) return null;
  const { timeZone: _tz, lastSessionId: _id, ...state } = stored;
  return applyStudyDays(state, change.days);
}
