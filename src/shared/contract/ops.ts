import { z } from './zod';

/** Operations routes outside `/api` (docs/API.md "Operations"): no bearer token. */

export const HealthSchema = z.object({ status: z.literal('ok') }).openapi('Health');
export const ReadinessSchema = z
  .object({ status: z.literal('ok'), checks: z.object({ postgres: z.literal('up'), redis: z.literal('up') }) })
  .openapi('Readiness');
