import type { InfraContext } from '../../lib/context';
import { withTimeout } from '../../lib/metrics';
import { ping } from './ops.repository';

type Check = 'up' | 'down';
export type ReadinessChecks = { postgres: Check; redis: Check };

/** Checks PostgreSQL and Redis, each within 2 s. */
export async function readiness(ctx: InfraContext): Promise<ReadinessChecks> {
  const [pg, redis] = await Promise.allSettled([withTimeout(ping(ctx.sequelize), 2000, 'postgres'), withTimeout(ctx.redis.ping(), 2000, 'redis')]);
  return { postgres: pg.status === 'fulfilled' ? 'up' : 'down', redis: redis.status === 'fulfilled' ? 'up' : 'down' };
}

/**
 * The `/readyz` answer, the same on API nodes and workers: 200 `{status: "ok", checks}`,
 * or 503 in the error format naming what is down (docs/API-EXTENSIONS.md "Operations").
 */
export async function readinessResponse(ctx: InfraContext): Promise<{ status: 200 | 503; body: object }> {
  const checks = await readiness(ctx);
  const down = Object.entries(checks)
    .filter(([, state]) => state === 'down')
    .map(([name]) => name);
  if (down.length === 0) return { status: 200, body: { status: 'ok', checks } };
  return { status: 503, body: { error: { code: 'UNAVAILABLE', message: `${down.join(' and ')} unavailable`, details: checks } } };
}
