import { SESSION_END_REASONS, SESSION_MODES } from '../enums';
import { CursorSchema, IdSchema, LimitSchema, pageOf } from './primitives';
import { z } from './zod';

/** Stored study sessions (docs/API.md "Timers and sessions"). */

export const SessionSchema = z
  .object({
    id: z.number().int().nullable().openapi({ description: 'null until the session row is stored (the worker stores it)' }),
    sessionUuid: z.string(),
    groupId: z.number().int().nullable(),
    durationSeconds: z.number().int().openapi({ description: 'Counted focus time: what totals, streaks, stats and leaderboards add up' }),
    sessionDate: z.string(),
    startedAt: z.string(),
    endedAt: z.string(),
    sessionNotes: z.string().nullable(),
    rawSeconds: z.number().int().openapi({ description: 'From start to stop, pauses and breaks included' }),
    pausedSeconds: z.number().int(),
    mode: z.enum(SESSION_MODES),
    subject: z.string().nullable(),
    endReason: z.enum(SESSION_END_REASONS),
  })
  .openapi('Session');

const Instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const ListSessionsQuery = z
  .object({
    from: Instant.optional().openapi({ description: 'Sessions that started at or after this instant' }),
    to: Instant.optional().openapi({ description: 'Sessions that started before this instant' }),
    groupId: IdSchema.optional(),
    limit: LimitSchema(100, 20),
    cursor: CursorSchema,
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be after `to`', path: ['from'] });

export const SessionPageSchema = pageOf(SessionSchema);

export const PatchSessionBody = z
  .object({ sessionNotes: z.string().trim().max(2000).nullable() })
  .strict()
  .openapi('PatchSession');
