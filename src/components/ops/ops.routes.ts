import express, { type Router } from 'express';
import type { AppContext } from '../../lib/context';
import { METRICS_UNAUTHORIZED, metricsAllowed } from '../../lib/http/metrics-access';
import { withTimeout } from '../../lib/metrics';

type Check = 'up' | 'down';

/** Checks PostgreSQL and Redis, each within 2 s. */
export async function readiness(ctx: AppContext): Promise<{ postgres: Check; redis: Check }> {
  const [pg, redis] = await Promise.allSettled([withTimeout(ctx.sequelize.query('SELECT 1'), 2000, 'postgres'), withTimeout(ctx.redis.ping(), 2000, 'redis')]);
  return { postgres: pg.status === 'fulfilled' ? 'up' : 'down', redis: redis.status === 'fulfilled' ? 'up' : 'down' };
}

/** `/healthz` (the process answers), `/readyz` (its dependencies answer), `/metrics` (see metricsAllowed). */
export function createOpsRouter(ctx: AppContext): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = await readiness(ctx);
    const down = Object.entries(checks)
      .filter(([, state]) => state === 'down')
      .map(([name]) => name);
    if (down.length === 0) {
      res.json({ status: 'ok', checks });
      return;
    }
    res.status(503).json({ error: { code: 'UNAVAILABLE', message: `${down.join(' and ')} unavailable`, details: checks } });
  });
  router.get('/metrics', async (req, res, next) => {
    try {
      if (!metricsAllowed(ctx.config, req.header('authorization'))) {
        res.status(401).json(METRICS_UNAUTHORIZED);
        return;
      }
      res.set('Content-Type', ctx.metrics.contentType).send(await ctx.metrics.metrics());
    } catch (error) {
      next(error);
    }
  });
  return router;
}
