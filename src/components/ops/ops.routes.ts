import express, { type Router } from 'express';
import type { InfraContext } from '../../lib/context';
import { readinessResponse } from './readiness';
import { METRICS_UNAUTHORIZED, metricsAllowed } from '../../lib/http/metrics-access';

/** `/healthz` (the process answers), `/readyz` (its dependencies answer), `/metrics` (see metricsAllowed). */
export function createOpsRouter(ctx: InfraContext): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const { status, body } = await readinessResponse(ctx);
    res.status(status).json(body);
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
