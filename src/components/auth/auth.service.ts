import { Op, UniqueConstraintError, type Transaction } from 'sequelize';
import { User } from '../../db/models';
import { AppError, unauthenticated } from '../../lib/errors';
import { z } from '../../lib/validation';
import { baseUsername, candidateUsername, isReservedEmail } from '../users/username.rules';
import type { TokenClaims, TokenVerifier } from './token-verifier';

const NAME_MAX = 100;
const Email = z.email().max(254);

/** A name claim as PATCH /me would take it (trimmed, at most 100 characters), or null. */
export const nameFromClaim = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim();
  return trimmed ? trimmed.slice(0, NAME_MAX) : null;
};

/** An e-mail we can store for a user: valid, and not in the `.invalid` domain erased accounts use. */
export const usableEmail = (value: string | null | undefined): string | undefined =>
  value && Email.safeParse(value.trim()).success && !isReservedEmail(value) ? value.trim() : undefined;

/**
 * Finds the first free candidate (`ana`, `ana_2`, …) from the n-th on. `exceptUserId`'s
 * own current name counts as free (a user keeps their name).
 */
async function freeUsername(base: string, from: number, exceptUserId?: string, transaction?: Transaction): Promise<{ name: string; n: number }> {
  for (let n = from; n < from + 1000; n += 1) {
    const name = candidateUsername(base, n);
    const holder = await User.findOne({ where: { username: name }, attributes: ['userId'], transaction });
    if (!holder || holder.userId === exceptUserId) return { name, n };
  }
  throw new AppError('CONFLICT', 'No free username');
}

const isUsernameClash = (error: unknown): boolean =>
  error instanceof UniqueConstraintError &&
  ((error.fields && Object.keys(error.fields).includes('username')) ||
    /users_username_key/.test(String((error.parent as { constraint?: string })?.constraint ?? '')));

/**
 * Writes a user (create or update) under a free username derived from `base`. Two users
 * racing for one name both succeed: the loser of the unique index moves on to the next
 * free suffix (in its own savepoint when inside a transaction). Other unique violations
 * (the same id, the same e-mail) are the caller's.
 */
export async function writeWithFreeUsername<T>(
  base: string,
  options: { exceptUserId?: string; transaction?: Transaction },
  write: (username: string, transaction?: Transaction) => Promise<T>,
): Promise<T> {
  const sequelize = User.sequelize;
  if (!sequelize) throw new Error('the models are not initialised');
  let from = 1;
  for (let attempt = 0; attempt < 25; attempt += 1) {
    const { name, n } = await freeUsername(base, from, options.exceptUserId, options.transaction);
    try {
      return options.transaction ? await sequelize.transaction({ transaction: options.transaction }, (savepoint) => write(name, savepoint)) : await write(name);
    } catch (error) {
      if (!isUsernameClash(error)) throw error;
      // Taken meanwhile: past the first few rounds jump ahead, so a crowd spreads out.
      from = attempt < 5 ? n + 1 : n + 1 + Math.floor(Math.random() * 1000);
    }
  }
  throw new AppError('UNAVAILABLE', 'Could not find a free username, try again');
}

/**
 * The user behind verified claims. A `sub` not yet in `users` is created just in time
 * from the token's `username` and `email` claims, under the rules PATCH /me applies (a
 * claim that is not a valid, unreserved name gets a derived one; a taken one a suffix);
 * without a usable e-mail, USER_NOT_SYNCED until the Clerk webhook has synced the user.
 * Deleted users are refused.
 */
export async function userFromClaims(claims: TokenClaims): Promise<User> {
  const existing = await User.findByPk(claims.sub);
  if (existing) {
    if (existing.deletedAt) throw unauthenticated('This account was deleted');
    return existing;
  }
  const email = usableEmail(claims.email);
  if (!claims.username || !email) {
    throw new AppError('USER_NOT_SYNCED', 'This user is not synced yet; try again shortly');
  }
  try {
    return await writeWithFreeUsername(baseUsername(claims.username, email), {}, (username) =>
      User.create({ userId: claims.sub, username, email, firstName: nameFromClaim(claims.firstName), lastName: nameFromClaim(claims.lastName) }),
    );
  } catch (error) {
    if (!(error instanceof UniqueConstraintError)) throw error;
    // A concurrent request created the same user, or the e-mail belongs to another account.
    const raced = await User.findByPk(claims.sub);
    if (raced && !raced.deletedAt) return raced;
    if (raced) throw unauthenticated('This account was deleted');
    throw new AppError('USER_NOT_SYNCED', 'This user is not synced yet; try again shortly');
  }
}

/** What authenticating a token tells: the user and when the token stops being valid. */
export interface Authenticated {
  user: User;
  /** ms since epoch after which the token is refused (its `exp` plus the clock skew). */
  expiresAt: number;
}

export type Authenticator = (token: string | undefined) => Promise<Authenticated>;

export const createAuthenticator =
  (verify: TokenVerifier): Authenticator =>
  async (token) => {
    const claims = await verify(token);
    return { user: await userFromClaims(claims), expiresAt: claims.expiresAt };
  };

/** Usernames held by users other than `userId` among `names` (for renames). */
export async function usernameTaken(name: string, userId: string, transaction?: Transaction): Promise<boolean> {
  return (await User.count({ where: { username: name, userId: { [Op.ne]: userId } }, transaction })) > 0;
}
