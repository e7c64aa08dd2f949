import type { Api, AppContext } from '../../context';
import { StatsQuery, StatsSchema } from '../../shared/contract';
import { myStats } from './stats.service';

export function registerStatsRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/me/stats',
      summary: 'My study time per local day and my streak',
      tags: ['Users'],
      query: StatsQuery,
      response: StatsSchema,
    },
    ({ user, query }) => myStats(ctx, user, { days: query.days }),
  );
}
