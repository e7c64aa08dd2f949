import { Op } from 'sequelize';
import { Streak, User } from '../../db/models';
import type { AppContext } from '../../lib/context';
import { AppError, notFound, validationFailed } from '../../lib/errors';
import type { ApiRouter } from '../../lib/http/api-router';
import { PatchMeBody, PublicUserSchema, SelfUserSchema, UserParams } from '../../shared/contract';
import { mergePreferences, PREFERENCES_MAX_BYTES, preferencesBytes } from './preferences.rules';
import { toPublicUser, toSelfUser } from './user.dto';

async function streakOf(userId: string): Promise<Streak | null> {
  return Streak.findOne({ where: { userId } });
}

export function registerUserRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route({ method: 'get', path: '/me', summary: 'My profile', tags: ['Users'], response: SelfUserSchema }, async ({ user }) =>
    toSelfUser(user, await streakOf(user.userId)),
  );

  api.route(
    { method: 'patch', path: '/me', summary: 'Update my profile', tags: ['Users'], body: PatchMeBody, response: SelfUserSchema, errors: [409] },
    async ({ user, body }) => {
      if (body.username !== undefined && body.username !== user.username) {
        const taken = await User.findOne({ where: { username: body.username, userId: { [Op.ne]: user.userId } }, attributes: ['userId'] });
        if (taken) throw new AppError('CONFLICT', 'That username is taken');
      }
      const changes: Record<string, unknown> = { updatedAt: new Date() };
      if (body.username !== undefined) changes.username = body.username;
      if (body.firstName !== undefined) changes.firstName = body.firstName;
      if (body.lastName !== undefined) changes.lastName = body.lastName;
      try {
        // Merged under the row lock, so two concurrent PATCHes of different keys both stick.
        await ctx.sequelize.transaction(async (transaction) => {
          if (body.preferences !== undefined) {
            const row = await User.findByPk(user.userId, { attributes: ['userId', 'preferences'], transaction, lock: transaction.LOCK.UPDATE });
            const merged = mergePreferences(row?.preferences, body.preferences);
            if (preferencesBytes(merged) > PREFERENCES_MAX_BYTES) {
              throw validationFailed([{ field: 'body.preferences', message: `at most ${PREFERENCES_MAX_BYTES} bytes in total` }], 'Invalid body.preferences');
            }
            changes.preferences = merged;
          }
          await User.update(changes, { where: { userId: user.userId }, transaction });
        });
      } catch (error) {
        if ((error as Error).name === 'SequelizeUniqueConstraintError') throw new AppError('CONFLICT', 'That username is taken');
        throw error;
      }
      await user.reload();
      return toSelfUser(user, await streakOf(user.userId));
    },
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
    async ({ params }) => {
      const found = await User.findByPk(params.userId);
      if (!found || found.deletedAt) throw notFound('User');
      return toPublicUser(found, await streakOf(found.userId));
    },
  );
}
