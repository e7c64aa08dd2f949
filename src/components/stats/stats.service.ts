import type { AppContext, SignedInUser } from '../../context';
import { addDays, canonicalTimeZone, effectiveCurrentStreak, findStreak, localDate } from '../streaks';
import { userTimeZone } from '../users';
import { SUBJECTS_MAX } from '../../shared/contract';
import { recentSubjects, secondsPerDay, secondsPerSubject } from './stats.repository';

export interface StatsDto {
  timezone: string;
  todaySeconds: number;
  periodSeconds: number;
  daily: Array<{ date: string; seconds: number }>;
  bySubject: Array<{ subject: string | null; seconds: number }>;
  currentStreak: number;
  longestStreak: number;
}

/**
 * My study time per local day (my timezone; a session counts for the local date it
 * started on) for the last `days` days ending today, zero-filled, the same period's time
 * per subject (case-insensitive groups in their most recent spelling, `null` for none;
 * it sums to `periodSeconds`), plus my streak. Only counted focus time (`durationSeconds`).
 */
export async function myStats(ctx: AppContext, me: Pick<SignedInUser, 'userId' | 'preferences'>, input: { days: number; now?: Date }): Promise<StatsDto> {
  const { days, now = new Date() } = input;
  const tz = canonicalTimeZone(userTimeZone(me)) ?? 'UTC';
  const today = localDate(now, tz);
  const first = addDays(today, -(days - 1));
  // A local day starts at most 14 h before/after the UTC day: a 2-day margin bounds the scan.
  const lower = new Date(Date.parse(`${first}T00:00:00Z`) - 2 * 86_400_000);
  const byDay = await secondsPerDay(ctx.sequelize, me.userId, tz, lower);
  const daily = Array.from({ length: days }, (_, i) => {
    const date = addDays(first, i);
    return { date, seconds: byDay.get(date) ?? 0 };
  });
  const bySubject = await secondsPerSubject(ctx.sequelize, me.userId, tz, lower, first, today);
  const streak = await findStreak(ctx.sequelize, me.userId);
  return {
    timezone: tz,
    todaySeconds: byDay.get(today) ?? 0,
    periodSeconds: daily.reduce((sum, d) => sum + d.seconds, 0),
    daily,
    bySubject,
    currentStreak: streak ? effectiveCurrentStreak(streak.currentStreak, streak.lastActiveDate ?? null, tz, now) : 0,
    longestStreak: streak?.longestStreak ?? 0,
  };
}

/** My 20 most recently used distinct subjects (for the subject picker's autocomplete). */
export async function mySubjects(ctx: AppContext, me: Pick<SignedInUser, 'userId'>): Promise<{ subjects: string[] }> {
  return { subjects: await recentSubjects(ctx.sequelize, me.userId, SUBJECTS_MAX) };
}
