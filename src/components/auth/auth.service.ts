import { UniqueConstraintError, type Transaction } from 'sequelize';
import { User } from '../../db/models';
import { AppError, unauthenticated } from '../../lib/errors';
import type { TokenClaims, TokenVerifier } from './token-verifier';

/** Finds a username not yet taken, from a wanted one (`ana`, `ana_2`, `ana_3`, …). */
async function freeUsername(wanted: string, exceptUserId?: string, transaction?: Transaction): Promise<string> {
  const base = wanted.slice(0, 60);
  for (let n = 1; n < 1000; n += 1) {
    const candidate = n === 1 ? base : `${base}_${n}`;
    const holder = await User.findOne({ where: { username: candidate }, attributes: ['userId'], transaction });
    if (!holder || holder.userId === exceptUserId) return candidate;
  }
  throw new AppError('CONFLICT', 'No free username');
}

/**
 * The user behind verified claims. A `sub` not yet in `users` is created just in time
 * from the token's `username` and `email` claims; without both, USER_NOT_SYNCED until the
 * Clerk webhook has synced the user. Deleted users are refused.
 */
export async function userFromClaims(claims: TokenClaims): Promise<User> {
  const existing = await User.findByPk(claims.sub);
  if (existing) {
    if (existing.deletedAt) throw unauthenticated('This account was deleted');
    return existing;
  }
  if (!claims.username || !claims.email) {
    throw new AppError('USER_NOT_SYNCED', 'This user is not synced yet; try again shortly');
  }
  try {
    return await User.create({
      userId: claims.sub,
      username: await freeUsername(claims.username),
      email: claims.email,
      firstName: claims.firstName ?? null,
      lastName: claims.lastName ?? null,
    });
  } catch (error) {
    if (!(error instanceof UniqueConstraintError)) throw error;
    // A concurrent request created the same user, or the email belongs to another account.
    const raced = await User.findByPk(claims.sub);
    if (raced) return raced;
    throw new AppError('USER_NOT_SYNCED', 'This user is not synced yet; try again shortly');
  }
}

export type Authenticator = (token: string | undefined) => Promise<User>;

export const createAuthenticator =
  (verify: TokenVerifier): Authenticator =>
  async (token) =>
    userFromClaims(await verify(token));

export { freeUsername };
