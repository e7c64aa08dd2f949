import { z } from '../../lib/validation';
import { SessionSchema } from '../sessions/session.dto';

/** A group id in a JSON body or socket payload (no string coercion). */
export const GroupIdValue = z.number().int().positive().max(2_147_483_647);

export const StartTimerInput = z.object({ groupId: GroupIdValue.nullable().optional() }).strict().openapi('StartTimer');
export const StopTimerInput = z.object({ notes: z.string().trim().max(2000).nullable().optional() }).strict().openapi('StopTimer');

export const TimerSchema = z.object({ startedAt: z.string(), groupId: z.number().int().nullable() }).openapi('Timer');
export const StopResultSchema = z.object({ session: SessionSchema.nullable(), discarded: z.boolean() }).openapi('TimerStopResult');
