import { initModels } from '../db/models';
import type { Broadcaster } from '../realtime/broadcaster';
import type { Config } from './config';
import { keyMaker, type AppContext } from './context';
import { createSequelize } from './db';
import { createLogger, type Logger } from './logger';
import { createMetricsRegistry } from './metrics';
import { createQueues } from './queues';
import { closeRedis, connectRedis, createCommandClient } from './redis';
import { createStorage } from './storage';

export interface ContextHandle {
  ctx: AppContext;
  /** Closes queues → Sequelize → Redis; idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the per-process context. `broadcast` is attached by the caller once the
 * Socket.IO server (API) or Redis emitter (worker) exists.
 */
export async function createContext(config: Config, role: 'api' | 'worker', logger?: Logger): Promise<ContextHandle> {
  const log = logger ?? createLogger(config.logLevel, { role });
  // Operators check that every process of one deployment uses the same prefix (and no other deployment does).
  log.info({ redisKeyPrefix: config.redisKeyPrefix }, 'redis key prefix (keys, queues and pub/sub channels)');
  const sequelize = createSequelize(config.databaseUrl, { poolMax: role === 'worker' ? Math.max(10, config.workerConcurrency + 2) : 20 });
  initModels(sequelize);
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
  const unset: Broadcaster = {
    toGroup: () => log.error('broadcast before the broadcaster was attached'),
    toUser: () => log.error('broadcast before the broadcaster was attached'),
    removeUserFromGroup: () => log.error('broadcast before the broadcaster was attached'),
    closeGroup: () => log.error('broadcast before the broadcaster was attached'),
    disconnectUser: () => log.error('broadcast before the broadcaster was attached'),
  };
  const ctx: AppContext = {
    config,
    logger: log,
    sequelize,
    redis,
    queues,
    broadcast: unset,
    metrics: createMetricsRegistry(role),
    storage,
    key: keyMaker(config.redisKeyPrefix),
  };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await queues.close().catch(() => undefined);
      await sequelize.close().catch(() => undefined);
      await closeRedis(redis);
      await storage.close().catch(() => undefined);
    })());
  return { ctx, close };
}
