import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readinessResponse } from '../src/components/ops';
import type { InfraContext } from '../src/lib/context';
import { METRICS_UNAUTHORIZED, metricsAllowed } from '../src/lib/http/metrics-access';

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

const json = (res: http.ServerResponse, status: number, body: object): void => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
};

/**
 * The worker's operations endpoints on WORKER_METRICS_PORT (0 picks a free port), the
 * same as an API node's: `GET /healthz` (the process answers), `GET /readyz` (PostgreSQL
 * and Redis answer, each within 2 s; 503 naming what is down) and `GET /metrics`
 * (Prometheus, including the queue depths; METRICS_TOKEN rule as on API nodes), on HOST.
 * Anything else is 404.
 */
export async function serveOps(ctx: InfraContext, port: number): Promise<OpsServer> {
  const log = ctx.logger.child({ component: 'worker-ops' });
  const server = http.createServer((req, res) => {
    const route = req.method === 'GET' ? (req.url ?? '').split('?')[0] : undefined;
    const answer = async (): Promise<void> => {
      switch (route) {
        case '/healthz':
          return json(res, 200, { status: 'ok' });
        case '/readyz': {
          const { status, body } = await readinessResponse(ctx);
          return json(res, status, body);
        }
        case '/metrics': {
          // Behind the same token rule as the API nodes' /metrics.
          if (!metricsAllowed(ctx.config, req.headers.authorization)) return json(res, 401, METRICS_UNAUTHORIZED);
          const body = await ctx.metrics.metrics();
          res.writeHead(200, { 'content-type': ctx.metrics.contentType }).end(body);
          return;
        }
        default:
          return json(res, 404, { error: { code: 'NOT_FOUND', message: 'Not found' } });
      }
    };
    answer().catch((error: unknown) => {
      log.error({ err: error, url: req.url }, 'ops endpoint failed');
      if (!res.headersSent) json(res, 500, { error: { code: 'INTERNAL', message: 'Something went wrong' } });
    });
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
