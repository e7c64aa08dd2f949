import { QueryTypes } from 'sequelize';
import { Streak, type User } from '../../db/models';
import type { AppContext } from '../../context';
import { addDays, canonicalTimeZone, effectiveCurrentStreak, localDate } from '../streaks/streak.rules';
import { userTimeZone } from '../users/user.dto';

export interface StatsDto {
  timezone: string;
  todaySeconds: number;
  periodSeconds: number;
  daily: Array<{ date: string; seconds: number }>;
  currentStreak: number;
  longestStreak: number;
}

/**
 * My study time per local day (the user's timezone; a session counts for the local date
 * it started on) for the last `days` days ending today, zero-filled, plus my streak.
 */
export async function myStats(ctx: AppContext, user: User, days: number, now: Date = new Date()): Promise<StatsDto> {
  const tz = canonicalTimeZone(userTimeZone(user)) ?? 'UTC';
  const today = localDate(now, tz);
  const first = addDays(today, -(days - 1));
  // A local day starts at most 14 h before/after the UTC day: a 2-day margin bounds the scan.
  const lower = new Date(Date.parse(`${first}T00:00:00Z`) - 2 * 86_400_000);
  const rows = await ctx.sequelize.query<{ day: string; seconds: string }>(
    `SELECT to_char((started_at AT TIME ZONE :tz)::date, 'YYYY-MM-DD') AS day, SUM(duration_seconds) AS seconds
       FROM study_sessions WHERE user_id = :userId AND started_at >= :lower
      GROUP BY 1`,
    { replacements: { tz, userId: user.userId, lower }, type: QueryTypes.SELECT },
  );
  const byDay = new Map(rows.map((r) => [r.day, Number(r.seconds)]));
  const daily = Array.from({ length: days }, (_, i) => {
    const date = addDays(first, i);
    return { date, seconds: byDay.get(date) ?? 0 };
  });
  const streak = await Streak.findOne({ where: { userId: user.userId } });
  return {
    timezone: tz,
    todaySeconds: byDay.get(today) ?? 0,
    periodSeconds: daily.reduce((sum, d) => sum + d.seconds, 0),
    daily,
    currentStreak: streak ? effectiveCurrentStreak(streak.currentStreak, streak.lastActiveDate ?? null, tz, now) : 0,
    longestStreak: streak?.longestStreak ?? 0,
  };
}
