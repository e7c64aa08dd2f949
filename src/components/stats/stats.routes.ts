import type { Api, AppContext } from '../../context';
import { DecimalIntSchema, z } from '../../lib/validation';
import { myStats } from './stats.service';

export const StatsSchema = z
  .object({
    timezone: z.string(),
    todaySeconds: z.number().int(),
    periodSeconds: z.number().int(),
    daily: z.array(z.object({ date: z.string(), seconds: z.number().int() })),
    currentStreak: z.number().int(),
    longestStreak: z.number().int(),
  })
  .openapi('Stats');

export function registerStatsRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/me/stats',
      summary: 'My study time per local day and my streak',
      tags: ['Users'],
      query: z.object({ days: DecimalIntSchema(1, 90).default(7) }),
      response: StatsSchema,
    },
    ({ user, query }) => myStats(ctx, user, { days: query.days }),
  );
}
