import type { Api, AppContext } from '../../context';
import { IdParams, LeaderboardQuery, LeaderboardSchema } from '../../shared/contract';
import { getLeaderboard, getLeaderboardAround } from './leaderboard.service';

export function registerLeaderboardRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/groups/:id/leaderboard',
      summary: "A group's leaderboard, or the caller's rank neighbours with around=me (members only)",
      tags: ['Leaderboards'],
      params: IdParams,
      query: LeaderboardQuery,
      response: LeaderboardSchema,
      errors: [404],
    },
    ({ user, params, query }) =>
      query.around === 'me'
        ? getLeaderboardAround(ctx, user, { groupId: params.id, period: query.period, radius: query.radius })
        : getLeaderboard(ctx, user, { groupId: params.id, period: query.period, limit: query.limit }),
  );
}
