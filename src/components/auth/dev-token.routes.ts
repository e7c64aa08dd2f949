import type { ApiRouter } from '../../lib/http/api-router';
import { UserIdSchema, z } from '../../lib/validation';
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

/**
 * `POST /dev/token` (development only): a Clerk-shaped RS256 session token signed by the
 * dev key pair, carrying the claims that create the user just in time.
 */
export function registerDevTokenRoute(api: ApiRouter, keys: DevKeys, azp?: string): void {
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
}
