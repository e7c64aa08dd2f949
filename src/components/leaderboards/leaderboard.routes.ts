import type { AppContext } from '../../lib/context';
import type { ApiRouter } from '../../lib/http/api-router';
import { IdParams, LeaderboardQuery, LeaderboardSchema } from '../../shared/contract';
import { getLeaderboard } from './leaderboard.service';

export function registerLeaderboardRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/groups/:id/leaderboard',
      summary: "A group's leaderboard (members only)",
      tags: ['Leaderboards'],
      params: IdParams,
      query: LeaderboardQuery,
      response: LeaderboardSchema,
      errors: [404],
    },
    ({ user, params, query }) => getLeaderboard(ctx, { groupId: params.id, userId: user.userId, period: query.period, limit: query.limit }),
  );
}
