/**
 * `npm run seed`: fills the database named by DATABASE_URL (already migrated) with demo
 * data, then asks the workers to rebuild the leaderboard caches when Redis answers.
 * Safe to run again: nothing is duplicated (see seed.ts).
 */
import { runMain } from '../src/lib/process';
import { initModels } from '../src/db/models';
import { createSequelize } from '../src/lib/db';
import type { Config } from '../src/lib/config';
import type { Logger } from '../src/lib/logger';
import { closeRedis, createCommandClient } from '../src/lib/redis';
import { runSeed } from './seed';

/** Enqueues a leaderboard rebuild; skipped (with a log line) when Redis does not answer. */
async function requestLeaderboardRebuild(config: Config, logger: Logger): Promise<void> {
  const probe = createCommandClient(config.redisUrl, 'studysync-seed');
  probe.on('error', () => undefined);
  try {
    await Promise.race([probe.connect().then(() => probe.ping()), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
  } catch {
    logger.warn('Redis is not reachable: leaderboards will be rebuilt by the worker later');
    return;
  } finally {
    await closeRedis(probe);
  }
  const { createQueues } = await import('../src/lib/queues');
  const queues = createQueues(config);
  try {
    await queues.maintenance.add('rebuild-leaderboards', {});
    logger.info('leaderboard rebuild enqueued');
  } finally {
    await queues.close();
  }
}

void runMain('seed', async (config, logger) => {
  const sequelize = createSequelize(config.databaseUrl);
  try {
    initModels(sequelize);
    await runSeed(sequelize, logger);
  } finally {
    await sequelize.close();
  }
  await requestLeaderboardRebuild(config, logger);
});
