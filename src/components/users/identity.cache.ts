import DataLoader from 'dataloader';
import type { AppContext } from '../../context';
import { LEADERBOARD_CACHE } from '../leaderboards/leaderboard.rules';
import { forgetStreaks } from '../streaks';
import { findUsers, type UserRecord } from './users.repository';

/**
 * The node-local identity cache (ctx.caches): a user's `users` row by user id, as the
 * authentication of every request and socket reads it. Every write to a user's row calls
 * `forgetUser` once committed (PATCH /me, the Clerk webhook's update and deletion, a
 * username freed for an erasure, a new user, a stored session's total), which drops the
 * entry here and, over Redis pub/sub, on every other node: a deleted account is refused by
 * the next request wherever it lands. An absent user is cached too (as null) and dropped
 * by the insert. The time-to-live bounds a lost invalidation. Callers must not mutate the
 * returned row (it is shared between requests).
 */
export const IDENTITY_CACHE = { name: 'identity', ttlMs: 60_000, max: 20_000 } as const;

const identities = (ctx: AppContext) => ctx.caches.cache<UserRecord | null>(IDENTITY_CACHE.name, IDENTITY_CACHE);

export function cachedUser(ctx: AppContext, userId: string): Promise<UserRecord | null> {
  return identities(ctx).getOrLoad(userId, () => rowLoader(ctx).load(userId));
}

/** A miss this soon after the previous one means a rush: its batch waits this long for company. */
const RUSH_GAP_MS = 100;
const RUSH_WINDOW_MS = 10;

const loaders = new WeakMap<AppContext, DataLoader<string, UserRecord | null>>();

/**
 * Cache misses read in batches, one `WHERE user_id IN (…)` query each. On a quiet node a
 * miss is read at once (the misses of the same turn of the event loop share the query).
 * A miss within 100 ms of the previous one is a rush (a morning arrival, a reconnect
 * storm): its batch waits 10 ms, gathering the misses meanwhile, so the queries grow with
 * the load instead of each handshake costing a round trip (docs/PERFORMANCE.md, sixth
 * pass). No caching of its own: the identity cache above decides what is kept, and when
 * it is dropped.
 */
function rowLoader(ctx: AppContext): DataLoader<string, UserRecord | null> {
  let loader = loaders.get(ctx);
  if (!loader) {
    let lastBatchAt = Number.NEGATIVE_INFINITY;
    loader = new DataLoader<string, UserRecord | null>(
      async (ids) => {
        const byId = new Map((await findUsers(ctx.sequelize, ids)).map((row) => [row.userId, row]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      {
        cache: false,
        maxBatchSize: 500,
        batchScheduleFn: (run) => {
          const now = Date.now();
          if (now - lastBatchAt < RUSH_GAP_MS) setTimeout(run, RUSH_WINDOW_MS);
          else setImmediate(run);
          lastBatchAt = now;
        },
      },
    );
    loaders.set(ctx, loader);
  }
  return loader;
}

/**
 * After a committed change of these users' rows (or streaks): drops what every node caches
 * about them. `renamed`: a username changed, which boards show, so every node's cached
 * board answers go too (renames are rare).
 */
export async function forgetUser(ctx: AppContext, userIds: string | readonly string[], options: { renamed?: boolean } = {}): Promise<void> {
  const ids = typeof userIds === 'string' ? [userIds] : userIds;
  await Promise.all([
    identities(ctx).invalidateMany(ids),
    forgetStreaks(ctx, ids),
    options.renamed ? ctx.caches.cache(LEADERBOARD_CACHE.name, LEADERBOARD_CACHE).invalidateAll() : undefined,
  ]);
}
