import type { AppContext, SignedInUser } from '../../context';
import { SUBJECTS_MAX } from '../../shared/contract';
import { goalReached } from '../goals';
import { addDays, canonicalTimeZone, effectiveStreak, localDate, studyDays, walkStreak } from '../streaks';
import { dailyGoalMinutesOf, userTimeZone } from '../users';
import { recentSubjects, secondsPerDay, secondsPerSubject } from './stats.repository';

export interface StatsDto {
  timezone: string;
  todaySeconds: number;
  periodSeconds: number;
  daily: Array<{ date: string; seconds: number; frozen: boolean; goalMet: boolean }>;
  bySubject: Array<{ subject: string | null; seconds: number }>;
  currentStreak: number;
  longestStreak: number;
  freezesAvailable: number;
  dailyGoalMinutes: number;
  todayGoalMet: boolean;
}

/**
 * My study time per local day (my timezone; a session counts for the local date it
 * started on) for the last `days` days ending today, zero-filled, the same period's time
 * per subject (case-insensitive groups in their most recent spelling, `null` for none;
 * it sums to `periodSeconds`), plus my streak and daily goal. Only counted focus time
 * (`durationSeconds`). The streak (current, longest, freezes, frozen days) is recomputed
 * from all my study days, so history written straight into `study_sessions` counts here
 * at once; `goalMet` compares each day with my current goal.
 */
export async function myStats(ctx: AppContext, me: Pick<SignedInUser, 'userId' | 'preferences'>, input: { days: number; now?: Date }): Promise<StatsDto> {
  const { days, now = new Date() } = input;
  const tz = canonicalTimeZone(userTimeZone(me)) ?? 'UTC';
  const goal = dailyGoalMinutesOf(me);
  const today = localDate(now, tz);
  const first = addDays(today, -(days - 1));
  // A local day starts at most 14 h before/after the UTC day: a 2-day margin bounds the scan.
  const lower = new Date(Date.parse(`${first}T00:00:00Z`) - 2 * 86_400_000);
  const [byDay, allDays] = await Promise.all([secondsPerDay(ctx.sequelize, me.userId, tz, lower), studyDays(ctx.sequelize, me.userId, tz)]);
  const { state, bridged } = walkStreak(allDays);
  const reading = effectiveStreak(state, today);
  const frozen = new Set([...bridged, ...reading.pending]);
  const daily = Array.from({ length: days }, (_, i) => {
    const date = addDays(first, i);
    const seconds = byDay.get(date) ?? 0;
    return { date, seconds, frozen: frozen.has(date), goalMet: goalReached(seconds, goal) };
  });
  const bySubject = await secondsPerSubject(ctx.sequelize, me.userId, tz, lower, first, today);
  const todaySeconds = byDay.get(today) ?? 0;
  return {
    timezone: tz,
    todaySeconds,
    periodSeconds: daily.reduce((sum, d) => sum + d.seconds, 0),
    daily,
    bySubject,
    currentStreak: reading.current,
    longestStreak: state.longestStreak,
    freezesAvailable: reading.freezesAvailable,
    dailyGoalMinutes: goal,
    todayGoalMet: goalReached(todaySeconds, goal),
  };
}

/** My 20 most recently used distinct subjects (for the subject picker's autocomplete). */
export async function mySubjects(ctx: AppContext, me: Pick<SignedInUser, 'userId'>): Promise<{ subjects: string[] }> {
  return { subjects: await recentSubjects(ctx.sequelize, me.userId, SUBJECTS_MAX) };
}
