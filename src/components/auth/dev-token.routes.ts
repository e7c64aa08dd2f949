import type { Api, AppContext } from '../../context';
import { UserIdSchema, z } from '../../lib/validation';
import { listDemoUsers } from './auth.service';
import type { DevKeys } from './dev-keys';

export const DevTokenBody = z
  .object({
    userId: UserIdSchema,
    username: z.string().trim().min(1).max(64),
    email: z.email().max(254),
    firstName: z.string().trim().max(100).optional(),
    lastName: z.string().trim().max(100).optional(),
  })
  .openapi('DevTokenRequest');

const DemoUsersSchema = z
  .object({
    items: z.array(
      z.object({
        userId: z.string(),
        username: z.string(),
        email: z.string(),
        firstName: z.string().nullable(),
        lastName: z.string().nullable(),
        groups: z.array(z.object({ id: z.number().int(), groupName: z.string(), role: z.string() })),
      }),
    ),
  })
  .openapi('DemoUsers');

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
      response: z.object({ token: z.string() }).openapi('DevToken'),
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
