export * from './streak.rules';
export { recomputeStreak } from './streak.service';
export { findStreak, type StreakRecord } from './streaks.repository';
export { cachedStreak, forgetStreak, STREAK_CACHE } from './streak.cache';
