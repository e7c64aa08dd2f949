import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type Router } from 'express';
import type { InfraContext } from '../../lib/context';
import { readinessResponse } from './readiness';
import { METRICS_UNAUTHORIZED, metricsAllowed } from '../../lib/http/metrics-access';
import { errorResponse } from '../../lib/http/openapi';
import { HealthSchema, ReadinessSchema } from '../../shared/contract/ops';

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

/** The OpenAPI description of the routes above (no bearer token). */
export function documentOpsRoutes(registry: OpenAPIRegistry): void {
  const tags = ['Operations'];
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'The process answers (no dependency checks)',
    tags,
    responses: { 200: { description: 'Alive', content: { 'application/json': { schema: HealthSchema } } } },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'PostgreSQL and Redis answer (2 s deadline each)',
    tags,
    responses: {
      200: { description: 'Ready', content: { 'application/json': { schema: ReadinessSchema } } },
      503: errorResponse('UNAVAILABLE: the message and `details` ({postgres, redis}: up|down) name what is down'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    description: '`Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set; closed in production without one.',
    tags,
    responses: {
      200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
      401: errorResponse('UNAUTHENTICATED: METRICS_TOKEN missing or wrong'),
    },
  });
}
