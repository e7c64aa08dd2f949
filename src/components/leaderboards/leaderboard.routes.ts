import type { Api, AppContext } from '../../context';
import { IdSchema, LimitSchema, z } from '../../lib/validation';
import { PERIODS } from './leaderboard.rules';
import { getLeaderboard } from './leaderboard.service';

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

export function registerLeaderboardRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/groups/:id/leaderboard',
      summary: "A group's leaderboard (members only)",
      tags: ['Leaderboards'],
      params: z.object({ id: IdSchema }),
      query: z.object({ period: z.enum(PERIODS).default('7d'), limit: LimitSchema(100, 10) }),
      response: LeaderboardSchema,
      errors: [404],
    },
    ({ user, params, query }) => getLeaderboard(ctx, user, { groupId: params.id, period: query.period, limit: query.limit }),
  );
}
