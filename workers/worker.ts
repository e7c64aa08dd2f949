import { Emitter } from '@socket.io/redis-emitter';
import { Worker } from 'bullmq';
import { startStopRecovery } from '../src/components/timers';
import type { AppContext } from '../src/context';
import { initModels } from '../src/db/models';
import { createInfrastructure } from '../src/lib/bootstrap';
import type { Config } from '../src/lib/config';
import type { Logger } from '../src/lib/logger';
import { bullPrefix, QUEUE_NAMES, type MaintenanceJob, type MaintenanceJobName, type PersistSessionJob } from '../src/lib/queues';
import { bullConnection, closeRedis, createSubscriberClient } from '../src/lib/redis';
import { createBroadcaster, ioChannelKey } from '../src/realtime/broadcaster';
import type { ServerToClientEvents } from '../src/realtime/events';
import { parseInput } from '../src/lib/validation';
import { processMaintenanceJob, scheduleMaintenance } from './processors/maintenance.processor';
import { createSessionBatcher, PersistSessionJobSchema } from './processors/persist-session.processor';
import { failureCode, isFinalFailure, mappingJobErrors } from './job-errors';
import { serveOps } from './ops-server';
import { registerQueueMetrics } from './queue-metrics';

/** How long a session batch waits for more jobs after its first one. */
const SESSION_BATCH_WAIT_MS = 3;
/**
 * Session batches stored at once: one commits while the next one's jobs are taken and its
 * rows prepared (more would compete for the pool and make smaller batches).
 */
const SESSION_BATCHES_IN_FLIGHT = 2;

export interface WorkerNode {
  /** Graceful and idempotent: active jobs finish, nothing taken is lost. */
  stop(): Promise<void>;
}

/**
 * One worker process: BullMQ workers for session persistence and scheduled upkeep,
 * writing through the components' use-cases and pushing results to rooms with the Redis
 * emitter. The composition root of a worker process: config → toolbox → models bound to
 * the pool → the emitter's broadcaster → processors → schedules.
 */
export async function startWorker(config: Config, logger?: Logger): Promise<WorkerNode> {
  const handle = await createInfrastructure(config, 'worker', logger);
  const { infra } = handle;
  initModels(infra.sequelize);
  const log = infra.logger.child({ component: 'worker' });
  const emitterClient = createSubscriberClient(config.redisUrl, 'studysync-emitter');
  emitterClient.on('error', (error) => log.warn({ err: error }, 'emitter redis error'));
  const ctx: AppContext = {
    ...infra,
    broadcast: createBroadcaster(new Emitter<ServerToClientEvents>(emitterClient, { key: ioChannelKey(config.redisKeyPrefix) })),
  };

  const connection = bullConnection(config.redisUrl, true);
  const prefix = bullPrefix(config);
  // Session jobs are stored in micro-batches: the worker runs enough jobs at once to fill
  // every batch being stored, one committed batch whose boards are being written, and the
  // next one gathering; the batcher stores the ready ones together.
  const batcher = createSessionBatcher(ctx, { maxBatch: config.sessionBatchMax, waitMs: SESSION_BATCH_WAIT_MS, maxInFlight: SESSION_BATCHES_IN_FLIGHT });
  const sessions = new Worker<PersistSessionJob>(
    QUEUE_NAMES.sessions,
    // Invalid data is VALIDATION_FAILED, which the worker fails at once (workers/job-errors.ts).
    mappingJobErrors((job) => batcher.submit(parseInput(PersistSessionJobSchema, job.data, 'data'))),
    {
      connection,
      prefix,
      concurrency: Math.max(config.workerConcurrency, config.sessionBatchMax * (SESSION_BATCHES_IN_FLIGHT + 2)),
      lockDuration: config.workerLockMs,
      stalledInterval: config.workerLockMs,
    },
  );
  const maintenance = new Worker<MaintenanceJob, unknown, MaintenanceJobName>(
    QUEUE_NAMES.maintenance,
    mappingJobErrors((job) => processMaintenanceJob(ctx, job)),
    {
      connection,
      prefix,
      concurrency: 1,
      lockDuration: config.workerLockMs,
      stalledInterval: config.workerLockMs,
    },
  );
  for (const worker of [sessions, maintenance]) {
    worker.on('failed', (job, error) => {
      const fields = { queue: worker.name, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, code: failureCode(error), err: error };
      if (isFinalFailure(error, job)) log.error(fields, 'job failed for good');
      else log.warn(fields, 'job failed; will retry');
    });
    worker.on('error', (error) => log.warn({ queue: worker.name, err: error }, 'worker error'));
  }
  await Promise.all([sessions.waitUntilReady(), maintenance.waitUntilReady()]);
  await scheduleMaintenance(ctx);
  const stopRecovery = startStopRecovery(ctx);
  registerQueueMetrics(ctx);
  const opsServer = config.workerMetricsPort !== undefined ? await serveOps(ctx, config.workerMetricsPort) : undefined;
  log.info({ concurrency: config.workerConcurrency, metricsPort: opsServer?.port }, 'worker running');

  let stopping: Promise<void> | undefined;
  return {
    stop: () =>
      (stopping ??= (async () => {
        stopRecovery();
        await opsServer?.close();
        await Promise.all([sessions.close(), maintenance.close()]);
        await closeRedis(emitterClient);
        await handle.close();
      })()),
  };
}
