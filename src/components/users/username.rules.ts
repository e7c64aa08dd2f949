/**
 * Usernames: one set of rules for every path that sets one (`PATCH /me`, just-in-time
 * creation from token claims, Clerk webhooks, erasure). Pure functions, no database.
 */
import { ERASED_PREFIX, isReservedUsername, USERNAME_CHARS, USERNAME_MAX, USERNAME_MIN } from '../../shared/contract/users';

/** The limits, the reserved names and the erased namespace are the wire contract's (src/shared/contract/users.ts). */
export { ERASED_PREFIX, isReservedUsername, RESERVED_USERNAMES, USERNAME_MAX, USERNAME_MIN } from '../../shared/contract/users';

/** Why a name is not acceptable for a user, or undefined when it is. */
export function usernameProblem(name: string): string | undefined {
  if (name.length < USERNAME_MIN || name.length > USERNAME_MAX) return `must be ${USERNAME_MIN}-${USERNAME_MAX} characters`;
  if (!USERNAME_CHARS.test(name)) return 'may hold only letters, digits, _ . and -';
  if (isReservedUsername(name)) return 'is reserved';
  return undefined;
}

/** Room left for a `_<n>` suffix when a name is taken. */
const BASE_MAX = USERNAME_MAX - 4;

/**
 * A valid name made from whatever a claim or webhook carried: accents dropped, spaces
 * to `_`, other characters removed; undefined when nothing valid (or only a reserved
 * name) is left.
 */
export function sanitizeUsername(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  const cleaned = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .replace(/\s+/g, '_')
    .replace(/[^A-Za-z0-9_.-]/g, '')
    .slice(0, BASE_MAX);
  return usernameProblem(cleaned) === undefined ? cleaned : undefined;
}

/**
 * The name a new or synced user should get: the wanted one if valid, else one made
 * from the e-mail's local part, else `user`. Uniqueness (suffixes) is the caller's.
 */
export function baseUsername(wanted: string | null | undefined, email: string | null | undefined): string {
  return sanitizeUsername(wanted) ?? sanitizeUsername(email?.split('@')[0]) ?? 'user';
}

/** `ana`, `ana_2`, `ana_3`, … (the n-th candidate; never longer than the maximum). */
export function candidateUsername(base: string, n: number): string {
  if (n <= 1) return base;
  const suffix = `_${n}`;
  return `${base.slice(0, USERNAME_MAX - suffix.length)}${suffix}`;
}

/** The username an erased account gets: in the reserved namespace, unique by the user id. */
export const erasedUsername = (userId: string): string => `${ERASED_PREFIX}${userId}`;
/** `.invalid` is reserved by RFC 2606: no real address (and no user's) can be in it. */
export const erasedEmail = (userId: string): string => `deleted+${userId}@invalid`;
export const isReservedEmail = (email: string): boolean => /(^|[.@])invalid$/i.test(email.trim());
