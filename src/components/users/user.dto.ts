import type { Streak, User, UserPreferences } from '../../db/models';
import { knownPreferences } from './preferences.rules';
import { effectiveCurrentStreak } from '../streaks/streak.rules';

export interface PublicUserDto {
  userId: string;
  username: string;
  firstName: string | null;
  lastName: string | null;
  totalStudyTime: number;
  currentStreak: number;
  longestStreak: number;
  createdAt: string;
  updatedAt: string;
}

export interface SelfUserDto extends PublicUserDto {
  email: string;
  preferences: UserPreferences;
}

export const userTimeZone = (user: Pick<User, 'preferences'>): string => {
  const tz = (user.preferences as Record<string, unknown> | null)?.timezone;
  return typeof tz === 'string' && tz ? tz : 'UTC';
};

/** The user's daily goal in minutes (`preferences.dailyGoalMinutes`, 0 = none). */
export const dailyGoalMinutesOf = (user: Pick<User, 'preferences'>): number => knownPreferences(user.preferences).dailyGoalMinutes ?? 0;

/** The user's row and streak row as the dto reads them (plain objects from the repositories). */
type UserFields = Pick<User, 'userId' | 'username' | 'firstName' | 'lastName' | 'totalStudyTime' | 'preferences' | 'createdAt' | 'updatedAt'>;
type StreakFields = Pick<Streak, 'currentStreak' | 'longestStreak' | 'lastActiveDate'> & Partial<Pick<Streak, 'freezesAvailable'>>;

export function toPublicUser(user: UserFields, streak: StreakFields | null, now = new Date()): PublicUserDto {
  return {
    userId: user.userId,
    username: user.username,
    firstName: user.firstName ?? null,
    lastName: user.lastName ?? null,
    totalStudyTime: Number(user.totalStudyTime),
    currentStreak: streak
      ? effectiveCurrentStreak(streak.currentStreak, streak.lastActiveDate ?? null, userTimeZone(user), now, streak.freezesAvailable ?? 0)
      : 0,
    longestStreak: streak?.longestStreak ?? 0,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

export function toSelfUser(user: UserFields & Pick<User, 'email'>, streak: StreakFields | null, now = new Date()): SelfUserDto {
  return { ...toPublicUser(user, streak, now), email: user.email, preferences: knownPreferences(user.preferences) };
}
