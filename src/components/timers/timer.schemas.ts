import { IdValue, z } from '../../lib/validation';
import { SessionSchema } from '../sessions/session.dto';

export const StartTimerInput = z.object({ groupId: IdValue.nullable().optional() }).strict().openapi('StartTimer');
export const StopTimerInput = z
  .object({ notes: z.string().trim().max(2000).nullable().optional() })
  .strict()
  .openapi('StopTimer');

export const TimerSchema = z.object({ startedAt: z.string(), groupId: z.number().int().nullable() }).openapi('Timer');
export const StopResultSchema = z.object({ session: SessionSchema.nullable(), discarded: z.boolean() }).openapi('TimerStopResult');
