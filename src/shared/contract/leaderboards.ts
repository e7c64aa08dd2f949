import { LimitSchema } from './primitives';
import { z } from './zod';

/** Group leaderboards (docs/API.md "Leaderboards"). */

export const PERIODS = ['7d', 'week', 'month', 'all'] as const;
export type Period = (typeof PERIODS)[number];

export const LeaderboardQuery = z.object({ period: z.enum(PERIODS).default('7d'), limit: LimitSchema(100, 10) });

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
