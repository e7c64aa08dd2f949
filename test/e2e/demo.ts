/**
 * A seeded StudySync of its own, in this process, for the screenshot script and for
 * looking at the web client by hand: a private database (migrated, then `runSeed`), a
 * private Redis prefix, one API node serving web/dist with dev sign-in, and one worker.
 *
 *   npx tsx test/e2e/demo.ts          # prints the URL; Ctrl-C drops the database again
 *
 * The database is named like a test database (`studysync_t_<pid>_demo`), so one left
 * behind by a killed process is dropped by the next `npm test`.
 */
import { randomBytes } from 'node:crypto';
import { runSeed } from '../../seeders/seed';
import { loadConfig } from '../../src/lib/config';
import { createMigrator, createSequelize, dropDatabase, ensureDatabase } from '../../src/lib/db';
import { createLogger } from '../../src/lib/logger';
import { closeRedis, connectRedis, createCommandClient, deleteByPrefix } from '../../src/lib/redis';
import { startApiNode, type ApiNode } from '../../src/server';
import { startWorker, type WorkerNode } from '../../workers/worker';
import { dbUrl, REDIS_URL } from '../helpers/env';
import { ensureWebBuilt, WEB_DIST } from './browser';

export interface Demo {
  url: string;
  node: ApiNode;
  stop(): Promise<void>;
}

export async function startDemo(options: { port?: number; logLevel?: string } = {}): Promise<Demo> {
  ensureWebBuilt();
  const tag = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const name = `studysync_t_${tag}_demo`;
  const databaseUrl = dbUrl(name);
  const redisKeyPrefix = `demo${tag}:`;
  await ensureDatabase(databaseUrl);
  const config = loadConfig({
    NODE_ENV: 'development',
    PORT: String(options.port ?? 0),
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    LOG_LEVEL: options.logLevel ?? 'warn',
    WEB_DIR: WEB_DIST,
    MIN_SESSION_SECONDS: '1',
  });
  const logger = createLogger(config.logLevel, { role: 'demo' });
  let node: ApiNode | undefined;
  let worker: WorkerNode | undefined;
  const stop = async (): Promise<void> => {
    await worker?.stop().catch(() => undefined);
    await node?.stop().catch(() => undefined);
    const redis = createCommandClient(REDIS_URL, 'studysync-demo-cleanup');
    redis.on('error', () => undefined);
    await connectRedis(redis)
      .then(() => deleteByPrefix(redis, redisKeyPrefix))
      .catch(() => undefined);
    await closeRedis(redis);
    await dropDatabase(databaseUrl, name);
  };
  try {
    const sequelize = createSequelize(databaseUrl);
    try {
      await createMigrator(sequelize).up();
    } finally {
      await sequelize.close();
    }
    node = await startApiNode(config, logger);
    // The models are bound to the last context made (the node's, until the worker starts).
    await runSeed(node.ctx.sequelize, logger);
    worker = await startWorker(config, logger);
    await node.ctx.queues.maintenance.add('rebuild-leaderboards', {});
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: node.url, node, stop };
}

if (require.main === module) {
  void (async () => {
    const demo = await startDemo({ port: Number(process.env.PORT ?? 0), logLevel: process.env.LOG_LEVEL ?? 'info' });
    process.stdout.write(`StudySync demo (seeded) at ${demo.url} — Ctrl-C to stop and drop its database\n`);
    const bye = (): void => void demo.stop().then(() => process.exit(0));
    process.on('SIGINT', bye);
    process.on('SIGTERM', bye);
  })();
}
