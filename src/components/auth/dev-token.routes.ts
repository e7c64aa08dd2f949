import type { Api, AppContext } from '../../context';
import { DemoUsersSchema, DevTokenBody, DevTokenSchema } from '../../shared/contract';
import { listDemoUsers } from './auth.service';
import type { DevKeys } from './dev-keys';

/**
 * The development sign-in (only mounted in development without CLERK_JWT_KEY; elsewhere
 * both paths are 404):
 * - `POST /dev/token`: a Clerk-shaped RS256 session token signed by the dev key pair,
 *   carrying the claims that create the user just in time;
 * - `GET /dev/demo-users`: the seeded demo users that exist (`[]` before `npm run seed`),
 *   so a client offers only people who are really there — signing in as a seeded id
 *   before seeding would create a user the seed then keeps, under the wrong name.
 *   Its 200/404 also tells a client whether dev sign-in is available.
 */
export function registerDevTokenRoute(api: Api, ctx: AppContext, keys: DevKeys): void {
  const azp = ctx.config.clerkAuthorizedParties?.[0];
  api.publicRoute(
    {
      method: 'post',
      path: '/token',
      summary: 'Development only: mint a session token',
      tags: ['Development'],
      body: DevTokenBody,
      response: DevTokenSchema,
    },
    async ({ body }) => ({ token: await keys.sign({ ...body, azp }) }),
  );
  api.publicRoute(
    {
      method: 'get',
      path: '/demo-users',
      summary: 'Development only: the seeded demo users that exist',
      tags: ['Development'],
      response: DemoUsersSchema,
    },
    async () => ({ items: await listDemoUsers(ctx) }),
  );
}
