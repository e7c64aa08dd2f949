export * from './streak.rules';
export { recomputeStreak, type RecomputeStreakInput } from './streak.service';
export { findStreak, studyDays, type StreakRecord } from './streaks.repository';
export { cachedStreak, forgetStreak, STREAK_CACHE } from './streak.cache';
