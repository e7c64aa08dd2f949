import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge } from 'prom-client';
import type { AppContext } from '../src/lib/context';
import { METRICS_UNAUTHORIZED, metricsAllowed } from '../src/lib/http/metrics-access';

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * `studysync_queue_jobs{queue, state}`: BullMQ queue depths, read from Redis on each
 * scrape. Registered once per registry (a second call is a no-op).
 */
export function registerQueueMetrics(ctx: AppContext): void {
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

/**
 * A tiny HTTP server for the worker's `/metrics` (WORKER_METRICS_PORT; 0 picks a free
 * port) on HOST, behind the same token rule as the API nodes' `/metrics`.
 */
export async function serveMetrics(ctx: AppContext, port: number): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (!metricsAllowed(ctx.config, req.headers.authorization)) {
      res.writeHead(401, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(METRICS_UNAUTHORIZED));
      return;
    }
    ctx.metrics
      .metrics()
      .then((body) => res.writeHead(200, { 'content-type': ctx.metrics.contentType }).end(body))
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ctx.config.host, () => resolve());
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
