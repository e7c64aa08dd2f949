import { DecimalIntSchema, LimitSchema } from './primitives';
import { z } from './zod';

/** Group leaderboards (docs/API.md "Leaderboards"). */

export const PERIODS = ['7d', 'week', 'month', 'all'] as const;
export type Period = (typeof PERIODS)[number];

/** Default and bounds of `radius` (rank neighbours, `around=me`). */
export const AROUND_RADIUS = { min: 1, max: 10, default: 2 } as const;

export const LeaderboardQuery = z.object({
  period: z.enum(PERIODS).default('7d'),
  limit: LimitSchema(100, 10),
  around: z.enum(['me']).optional().openapi({ description: "`me`: the caller's rank neighbours instead of the top `limit`" }),
  radius: DecimalIntSchema(AROUND_RADIUS.min, AROUND_RADIUS.max)
    .default(AROUND_RADIUS.default)
    .openapi({ description: 'With `around=me`: how many entries above and below the caller (1–10, default 2)' }),
});

export const LeaderboardSchema = z
  .object({
    period: z.enum(PERIODS),
    from: z.string().nullable().openapi({ description: 'Start of the period; null for `all`' }),
    to: z.string(),
    entries: z.array(
      z.object({ rank: z.number().int(), userId: z.string(), username: z.string(), totalSeconds: z.number().int(), currentStreak: z.number().int() }),
    ),
    me: z.object({ rank: z.number().int(), totalSeconds: z.number().int() }).nullable(),
  })
  .openapi('Leaderboard');
