import { Gauge } from 'prom-client';
import type { InfraContext } from '../src/lib/context';

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * `studysync_queue_jobs{queue, state}`: BullMQ queue depths, read from Redis on each
 * scrape. Registered once per registry (a second call is a no-op).
 */
export function registerQueueMetrics(ctx: InfraContext): void {
  if (ctx.metrics.getSingleMetric('studysync_queue_jobs')) return;
  const queues = [ctx.queues.sessions, ctx.queues.maintenance];
  new Gauge({
    name: 'studysync_queue_jobs',
    help: 'Jobs per BullMQ queue and state (waiting, active, delayed, failed)',
    labelNames: ['queue', 'state'],
    registers: [ctx.metrics],
    async collect() {
      this.reset();
      for (const queue of queues) {
        try {
          const counts = await queue.getJobCounts(...STATES);
          for (const state of STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        } catch {
          // Redis down: leave the series out rather than fail the scrape.
        }
      }
    },
  });
}
