import type { Api, AppContext } from '../../context';
import { PatchMeBody, PublicUserSchema, SelfUserSchema, UserParams, UserSearchPageSchema, UserSearchQuery } from '../../shared/contract';
import { getMe, getUser, searchUsers, updateMe } from './users.service';

export function registerUserRoutes(api: Api, ctx: AppContext): void {
  api.route({ method: 'get', path: '/me', summary: 'My profile', tags: ['Users'], response: SelfUserSchema }, ({ user }) => getMe(ctx, user));

  api.route(
    { method: 'patch', path: '/me', summary: 'Update my profile', tags: ['Users'], body: PatchMeBody, response: SelfUserSchema, errors: [409] },
    ({ user, body }) => updateMe(ctx, user, body),
  );

  api.route(
    {
      method: 'get',
      path: '/users/:userId',
      summary: 'A user (public view)',
      tags: ['Users'],
      params: UserParams,
      response: PublicUserSchema,
      errors: [404],
    },
    ({ user, params }) => getUser(ctx, user, { userId: params.userId }),
  );

  api.route(
    {
      method: 'get',
      path: '/users',
      summary: 'Find users by the start of their username (signed-in users; at most 10 per page; rate-limited)',
      tags: ['Users'],
      query: UserSearchQuery,
      response: UserSearchPageSchema,
      errors: [429],
    },
    ({ user, query }) => searchUsers(ctx, user, query),
  );
}
