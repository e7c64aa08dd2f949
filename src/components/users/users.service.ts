import type { Actor, AppContext, SignedInUser } from '../../context';
import { decodeCursor, encodeCursor } from '../../lib/cursor';
import { AppError, notFound, validationFailed } from '../../lib/errors';
import { enforce, limitsOf } from '../../lib/rate-limit';
import { cachedStreak, findStreak } from '../streaks';
import { forgetUser } from './identity.cache';
import { mergePreferences, PREFERENCES_MAX_BYTES, preferencesBytes, type PreferencesPatch } from './preferences.rules';
import { toPublicUser, toSelfUser, type PublicUserDto, type SelfUserDto } from './user.dto';
import * as users from './users.repository';

/** My profile, as the request's authentication loaded it. */
export async function getMe(ctx: AppContext, me: SignedInUser): Promise<SelfUserDto> {
  return toSelfUser(me, await cachedStreak(ctx, me.userId));
}

export interface ProfileChanges {
  username?: string;
  firstName?: string | null;
  lastName?: string | null;
  preferences?: PreferencesPatch;
}

/**
 * Updates my profile. A username someone else holds is CONFLICT; preferences are merged
 * key by key under my row's lock, so two concurrent changes of different keys both stick.
 */
export async function updateMe(ctx: AppContext, actor: Actor, input: ProfileChanges): Promise<SelfUserDto> {
  if (input.username !== undefined && input.username !== actor.username && (await users.isUsernameTaken(ctx.sequelize, input.username, actor.userId))) {
    throw new AppError('CONFLICT', 'That username is taken');
  }
  const changes: users.UserChanges = { updatedAt: new Date() };
  if (input.username !== undefined) changes.username = input.username;
  if (input.firstName !== undefined) changes.firstName = input.firstName;
  if (input.lastName !== undefined) changes.lastName = input.lastName;
  let updated: users.UserRecord | null;
  try {
    updated = await ctx.sequelize.transaction(async (tx) => {
      if (input.preferences !== undefined) {
        const row = await users.lockUser(tx, actor.userId);
        const merged = mergePreferences(row?.preferences, input.preferences);
        if (preferencesBytes(merged) > PREFERENCES_MAX_BYTES) {
          throw validationFailed([{ field: 'body.preferences', message: `at most ${PREFERENCES_MAX_BYTES} bytes in total` }], 'Invalid body.preferences');
        }
        changes.preferences = merged;
      }
      return users.updateUser(tx, actor.userId, changes);
    });
  } catch (error) {
    if (users.isDuplicateUser(error)) throw new AppError('CONFLICT', 'That username is taken');
    throw error;
  }
  if (!updated) throw notFound('User');
  await forgetUser(ctx, actor.userId, { renamed: changes.username !== undefined && changes.username !== actor.username });
  return toSelfUser(updated, await cachedStreak(ctx, actor.userId));
}

/** Anyone's public profile; a deleted account is NOT_FOUND. */
export async function getUser(ctx: AppContext, _actor: Actor, input: { userId: string }): Promise<PublicUserDto> {
  const user = await users.findActiveUser(ctx.sequelize, input.userId);
  if (!user) throw notFound('User');
  return toPublicUser(user, await findStreak(ctx.sequelize, user.userId));
}

/** The keyset of a user search page: the last row's `lower(username)` and user id. */
const isSearchCursor = (v: unknown): v is { k: string; u: string } =>
  typeof v === 'object' && v !== null && typeof (v as { k: unknown }).k === 'string' && typeof (v as { u: unknown }).u === 'string';

export interface UserSearchItemDto {
  userId: string;
  username: string;
  firstName: string | null;
  lastName: string | null;
}

/**
 * Finding friends: live accounts whose username starts with `search` (case-insensitive),
 * not the caller, by lowercased username, `limit` (≤ 10) per page with an opaque keyset
 * cursor. Counted against the caller's search limit first (so the directory cannot be
 * walked fast), whatever the input.
 */
export async function searchUsers(
  ctx: AppContext,
  actor: Actor,
  query: { search: string; limit: number; cursor?: string },
): Promise<{ items: UserSearchItemDto[]; nextCursor: string | null }> {
  await enforce(ctx, 'user_search', actor.userId, limitsOf(ctx.config).userSearch, 'user searches in a short time');
  const after = decodeCursor(query.cursor, isSearchCursor);
  const rows = await users.searchByUsernamePrefix(ctx.sequelize, {
    prefix: query.search,
    exceptUserId: actor.userId,
    limit: query.limit + 1,
    after: after ? { key: after.k, userId: after.u } : undefined,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ userId: r.userId, username: r.username, firstName: r.firstName, lastName: r.lastName })),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ k: last.key, u: last.userId }) : null,
  };
}
