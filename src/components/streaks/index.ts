export * from './streak.rules';
export { recomputeStreak, recomputeStreaks, type RecomputeStreakInput } from './streak.service';
export { findStreak, studyDays, type StreakRecord } from './streaks.repository';
export { cachedStreak, forgetStreak, forgetStreaks, STREAK_CACHE } from './streak.cache';
