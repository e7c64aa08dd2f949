import type { AppContext } from '../../context';
import { findStreak, type StreakRecord } from './streaks.repository';

/**
 * The node-local cache of stored streak rows (ctx.caches), keyed by user id, for the hot
 * profile reads (`GET /api/me`). Whoever changes a user's streak row calls `forgetStreak`
 * once the change is committed (the worker after storing sessions does, through the users
 * component's `forgetUser`); the time-to-live is the safety net of a lost invalidation.
 * The stored row is cached: readers still derive the effective streak at their `now`.
 */
export const STREAK_CACHE = { name: 'streak', ttlMs: 60_000, max: 20_000 } as const;

const streaks = (ctx: AppContext) => ctx.caches.cache<StreakRecord | null>(STREAK_CACHE.name, STREAK_CACHE);

export function cachedStreak(ctx: AppContext, userId: string): Promise<StreakRecord | null> {
  return streaks(ctx).getOrLoad(userId, () => findStreak(ctx.sequelize, userId));
}

/** Drops the user's cached streak on every node (call after the change committed). */
export function forgetStreak(ctx: AppContext, userId: string): Promise<void> {
  return streaks(ctx).invalidate(userId);
}

/** `forgetStreak` for several users, published in one round trip. */
export function forgetStreaks(ctx: AppContext, userIds: readonly string[]): Promise<void> {
  return streaks(ctx).invalidateMany(userIds);
}
