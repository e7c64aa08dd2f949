import { Redis } from 'ioredis';
import { readBoard } from '../../src/components/leaderboards/leaderboard.store';
import type { Period } from '../../src/components/leaderboards/leaderboard.rules';
import type { AppContext } from '../../src/context';
import { keyMaker } from '../../src/lib/context';

/**
 * The one place the bench reads the worker's Redis leaderboards: through the store's
 * own `readBoard` (userId → seconds, or null while the board is not trusted), so a
 * change of the Redis layout changes nothing here. If `readBoard` goes, keep a
 * function that answers the same question and point this file at it.
 */
export interface BoardReader {
  read(groupId: number, period: Period): Promise<Map<string, number> | null>;
  close(): void;
}

export function boardReader(redisUrl: string, prefix: string): BoardReader {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  // readBoard needs only the Redis client and the key maker of the context.
  const ctx = { redis, key: keyMaker(prefix) } as Pick<AppContext, 'redis' | 'key'> as AppContext;
  return {
    read: (groupId, period) => readBoard(ctx, groupId, period, new Date()),
    close: () => redis.disconnect(),
  };
}
