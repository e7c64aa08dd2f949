import type { Api, AppContext } from '../../context';
import { UserIdSchema, z } from '../../lib/validation';
import { PreferencesPatchSchema, PreferencesSchema } from './preferences.rules';
import { isReservedUsername, USERNAME_MAX, USERNAME_MIN } from './username.rules';
import { getMe, getUser, updateMe } from './users.service';

export const PublicUserSchema = z
  .object({
    userId: z.string(),
    username: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    totalStudyTime: z.number().int(),
    currentStreak: z.number().int(),
    longestStreak: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('PublicUser');
export const SelfUserSchema = PublicUserSchema.extend({ email: z.string(), preferences: PreferencesSchema }).openapi('User');

/** The username rules (username.rules.ts): 3–64 of `A-Z a-z 0-9 _ . -`, not a reserved name (400, not 409: nobody may ever take one). */
export const UsernameSchema = z
  .string()
  .trim()
  .min(USERNAME_MIN)
  .max(USERNAME_MAX)
  .regex(/^[A-Za-z0-9_.-]+$/, 'may hold only letters, digits, _ . and -')
  .refine((name) => !isReservedUsername(name), 'is reserved');

export const PatchMeBody = z
  .object({
    username: UsernameSchema.optional(),
    firstName: z.string().trim().max(100).nullable().optional(),
    lastName: z.string().trim().max(100).nullable().optional(),
    preferences: PreferencesPatchSchema.optional(),
  })
  .strict()
  .openapi('PatchMe');

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
      params: z.object({ userId: UserIdSchema }),
      response: PublicUserSchema,
      errors: [404],
    },
    ({ user, params }) => getUser(ctx, user, { userId: params.userId }),
  );
}
