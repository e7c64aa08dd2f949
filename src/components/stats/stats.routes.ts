import type { Api, AppContext } from '../../context';
import { StatsQuery, StatsSchema, SubjectListSchema } from '../../shared/contract';
import { myStats, mySubjects } from './stats.service';

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
  api.route(
    {
      method: 'get',
      path: '/me/subjects',
      summary: 'My 20 most recently used subjects, for autocomplete',
      tags: ['Users'],
      response: SubjectListSchema,
    },
    ({ user }) => mySubjects(ctx, user),
  );
}
