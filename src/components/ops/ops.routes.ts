import express, { type Router } from 'express';
import type { AppContext } from '../../lib/context';
import { readinessResponse } from './readiness';

/** `/healthz` (the process answers), `/readyz` (its dependencies answer), `/metrics`. */
export function createOpsRouter(ctx: AppContext): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const { status, body } = await readinessResponse(ctx);
    res.status(status).json(body);
  });
  router.get('/metrics', async (_req, res, next) => {
    try {
      res.set('Content-Type', ctx.metrics.contentType).send(await ctx.metrics.metrics());
    } catch (error) {
      next(error);
    }
  });
  return router;
}
