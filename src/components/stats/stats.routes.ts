import type { AppContext } from '../../lib/context';
import type { ApiRouter } from '../../lib/http/api-router';
import { StatsQuery, StatsSchema } from '../../shared/contract';
import { myStats } from './stats.service';

export function registerStatsRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/me/stats',
      summary: 'My study time per local day and my streak',
      tags: ['Users'],
      query: StatsQuery,
      response: StatsSchema,
    },
    ({ user, query }) => myStats(ctx, user, query.days),
  );
}
