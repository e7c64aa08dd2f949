import { IdValue } from './primitives';
import { SessionSchema } from './sessions';
import { z } from './zod';

/** The study timer over REST and the socket (docs/API.md "Timers and sessions"). */

export const StartTimerInput = z.object({ groupId: IdValue.nullable().optional() }).strict().openapi('StartTimer');
export const StopTimerInput = z
  .object({ notes: z.string().trim().max(2000).nullable().optional() })
  .strict()
  .openapi('StopTimer');

export const TimerSchema = z.object({ startedAt: z.string(), groupId: z.number().int().nullable() }).openapi('Timer');
export const StopResultSchema = z
  .object({ session: SessionSchema.nullable().openapi({ description: 'null when discarded (shorter than MIN_SESSION_SECONDS)' }), discarded: z.boolean() })
  .openapi('TimerStopResult');
/** `GET /timer` and the `timer:state` event. */
export const TimerStateSchema = z.object({ timer: TimerSchema.nullable() });
