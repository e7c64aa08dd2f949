import { timingSafeEqual } from 'node:crypto';
import type { Config } from '../config';

/**
 * May this request read `/metrics` (API nodes and the worker)? With `METRICS_TOKEN` set,
 * only with `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time); without
 * it, open in development and test, closed in production (metrics name routes, queues
 * and load: not for strangers).
 */
export function metricsAllowed(config: Pick<Config, 'metricsToken' | 'nodeEnv'>, authorization: string | undefined): boolean {
  if (!config.metricsToken) return config.nodeEnv !== 'production';
  const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(config.metricsToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const METRICS_UNAUTHORIZED = { error: { code: 'UNAUTHENTICATED', message: 'Metrics need Authorization: Bearer <METRICS_TOKEN>' } } as const;
