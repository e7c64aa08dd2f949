/** Baseline for session persistence: a BullMQ worker whose processor does nothing. */
import { Worker } from 'bullmq';
import { bullConnection } from '../src/lib/redis';

const worker = new Worker(process.env.QUEUE ?? 'bench-noop', async () => undefined, {
  connection: bullConnection(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', true),
  prefix: process.env.PREFIX ?? 'bench:bull',
  concurrency: Number(process.env.CONCURRENCY ?? 16),
});
void worker.waitUntilReady().then(() => console.log('worker running'));
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
