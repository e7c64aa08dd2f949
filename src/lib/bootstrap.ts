import { createCacheBus } from './cache';
import type { Config } from './config';
import { keyMaker, type InfraContext } from './context';
import { createSequelize } from './db';
import { createLogger, type Logger } from './logger';
import { createMetricsRegistry } from './metrics';
import { createQueues } from './queues';
import { closeRedis, connectRedis, createCommandClient } from './redis';
import { createStorage } from './storage';

export interface InfraHandle {
  infra: InfraContext;
  /** Closes queues → cache bus → Sequelize → Redis → storage; idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the per-process toolbox: logger, the Sequelize pool, the Redis command client,
 * the object store and the queues. The composition root of the process (src/server.ts,
 * workers/worker.ts) binds the models to the pool and adds the broadcaster.
 */
export async function createInfrastructure(config: Config, role: 'api' | 'worker', logger?: Logger): Promise<InfraHandle> {
  const log = logger ?? createLogger(config.logLevel, { role });
  // Operators check that every process of one deployment uses the same prefix (and no other deployment does).
  log.info({ redisKeyPrefix: config.redisKeyPrefix }, 'redis key prefix (keys, queues and pub/sub channels)');
  const sequelize = createSequelize(config.databaseUrl, { poolMax: role === 'worker' ? Math.max(10, config.workerConcurrency + 2) : 20 });
  const redis = createCommandClient(config.redisUrl, `studysync-${role}`);
  redis.on('error', (error) => log.warn({ err: error }, 'redis error'));
  await connectRedis(redis);
  const storageLog = log.child({ component: 'storage' });
  const storage = createStorage(config.storage, (message) => storageLog.debug(message));
  try {
    await storage.init();
  } catch (error) {
    await closeRedis(redis);
    await sequelize.close().catch(() => undefined);
    throw error;
  }
  const queues = createQueues(config, role === 'worker');
  const key = keyMaker(config.redisKeyPrefix);
  const caches = createCacheBus({ redisUrl: config.redisUrl, channel: key('cache'), publisher: redis, logger: log.child({ component: 'cache' }) });
  await caches.ready().catch(() => undefined); // not subscribed yet: entries still expire by their TTL
  const infra: InfraContext = {
    config,
    logger: log,
    sequelize,
    redis,
    queues,
    metrics: createMetricsRegistry(role),
    storage,
    caches,
    key,
  };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await queues.close().catch(() => undefined);
      await caches.close();
      await sequelize.close().catch(() => undefined);
      await closeRedis(redis);
      await storage.close().catch(() => undefined);
    })());
  return { infra, close };
}
