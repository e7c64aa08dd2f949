import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ensureDatabase, dropDatabase } from '../../src/lib/db';
import { deleteByPrefix } from '../../src/lib/redis';
import { dbUrl, REDIS_URL, templateDb } from './env';

export interface Isolation {
  databaseName: string;
  databaseUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
  /** Drops the database and every Redis key under the prefix. */
  cleanup(): Promise<void>;
}

/** A database cloned from the migrated template and a Redis prefix of one's own. */
export async function isolate(): Promise<Isolation> {
  const tag = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const databaseName = `studysync_t_${tag}`;
  const databaseUrl = dbUrl(databaseName);
  await ensureDatabase(databaseUrl, templateDb());
  const redisKeyPrefix = `t${tag}:`;
  return {
    databaseName,
    databaseUrl,
    redisUrl: REDIS_URL,
    redisKeyPrefix,
    cleanup: async () => {
      const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        await deleteByPrefix(redis, redisKeyPrefix);
      } finally {
        redis.disconnect();
      }
      await dropDatabase(databaseUrl, databaseName);
    },
  };
}
