import type { AppContext, SignedInUser } from '../../context';
import { AppError, unauthenticated } from '../../lib/errors';
import { z } from '../../lib/validation';
import { baseUsername, cachedUser, findUser, forgetUser, insertUser, isDuplicateUser, isReservedEmail, writeWithFreeUsername } from '../users';
import { type DemoUser, findDemoUsers } from './demo-users.repository';
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
 * The user behind verified claims. A `sub` not yet in `users` is created just in time
 * from the token's `username` and `email` claims, under the rules PATCH /me applies (a
 * claim that is not a valid, unreserved name gets a derived one; a taken one a suffix);
 * without a usable e-mail, USER_NOT_SYNCED until the Clerk webhook has synced the user.
 * Deleted users are refused.
 */
export async function userFromClaims(ctx: AppContext, claims: TokenClaims): Promise<SignedInUser> {
  const db = ctx.sequelize;
  // The node-local identity cache (users/identity.cache.ts): every write to the row drops it on every node.
  const existing = await cachedUser(ctx, claims.sub);
  if (existing) {
    if (existing.deletedAt) throw unauthenticated('This account was deleted');
    return existing;
  }
  const email = usableEmail(claims.email);
  if (!claims.username || !email) {
    throw new AppError('USER_NOT_SYNCED', 'This user is not synced yet; try again shortly');
  }
  try {
    const created = await writeWithFreeUsername(db, baseUsername(claims.username, email), undefined, (username, at) =>
      insertUser(at, { userId: claims.sub, username, email, firstName: nameFromClaim(claims.firstName), lastName: nameFromClaim(claims.lastName) }),
    );
    await forgetUser(ctx, claims.sub); // the absent user this node cached
    return created;
  } catch (error) {
    if (!isDuplicateUser(error)) throw error;
    // A concurrent request created the same user, or the e-mail belongs to another account.
    await forgetUser(ctx, claims.sub);
    const raced = await findUser(db, claims.sub);
    if (raced && !raced.deletedAt) return raced;
    if (raced) throw unauthenticated('This account was deleted');
    throw new AppError('USER_NOT_SYNCED', 'This user is not synced yet; try again shortly');
  }
}

/** What authenticating a token tells: the user and when the token stops being valid. */
export interface Authenticated {
  user: SignedInUser;
  /** ms since epoch after which the token is refused (its `exp` plus the clock skew). */
  expiresAt: number;
}

export type Authenticator = (token: string | undefined) => Promise<Authenticated>;

export const createAuthenticator =
  (ctx: AppContext, verify: TokenVerifier): Authenticator =>
  async (token) => {
    const claims = await verify(token);
    return { user: await userFromClaims(ctx, claims), expiresAt: claims.expiresAt };
  };

/** The seeded demo users that exist (none before `npm run seed`), for the development sign-in. */
export function listDemoUsers(ctx: AppContext): Promise<DemoUser[]> {
  return findDemoUsers(ctx.sequelize);
}
