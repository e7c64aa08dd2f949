import { verifyToken } from '@clerk/backend';
import { unauthenticated } from '../../lib/errors';

export interface TokenClaims {
  sub: string;
  username?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  /** ms since epoch after which the token is refused (`exp` plus the clock skew). */
  expiresAt: number;
}

export type TokenVerifier = (token: string | undefined) => Promise<TokenClaims>;

const CLOCK_SKEW_MS = 5000;

/** A usable string claim: non-empty, without NUL characters (a claim holding one is treated as absent). */
const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' && !value.includes('\u0000') ? value.trim() : undefined;

/**
 * Networkless Clerk session-token verification (RS256 against the PEM key): signature,
 * `exp`, `nbf` and `iat` with 5 s skew, and `azp` when authorized parties are set (a
 * token without `azp` is refused then, too).
 */
/** Verified tokens kept (by their exact text) until they expire: a signature check is ~0.5 ms. */
const CACHE_MAX = 10_000;

type Cached = TokenClaims;

export function createTokenVerifier(jwtKey: string, authorizedParties?: string[]): TokenVerifier {
  const cache = new Map<string, Cached>();

  const verify = async (token: string): Promise<TokenClaims> => {
    let data: object;
    try {
      // The public export throws TokenVerificationError on any failure and returns the payload.
      data = (await verifyToken(token, { jwtKey, authorizedParties, clockSkewInMs: CLOCK_SKEW_MS })) as unknown as object;
    } catch {
      throw unauthenticated('Invalid or expired token');
    }
    if (!data || typeof data !== 'object') throw unauthenticated('Invalid or expired token');
    if (authorizedParties?.length && typeof (data as { azp?: unknown }).azp !== 'string') throw unauthenticated('Invalid or expired token');
    const claims = data as unknown as Record<string, unknown>;
    const sub = optionalString(claims.sub);
    if (!sub || sub.length > 191) throw unauthenticated('Invalid or expired token');
    return {
      sub,
      username: optionalString(claims.username),
      email: optionalString(claims.email),
      firstName: optionalString(claims.first_name),
      lastName: optionalString(claims.last_name),
      expiresAt: (typeof claims.exp === 'number' ? claims.exp : 0) * 1000 + CLOCK_SKEW_MS,
    };
  };

  return async (token) => {
    if (!token) throw unauthenticated('Missing bearer token');
    const now = Date.now();
    const hit = cache.get(token);
    if (hit) {
      if (hit.expiresAt > now) return hit;
      cache.delete(token);
      throw unauthenticated('Invalid or expired token');
    }
    const claims: Cached = await verify(token);
    // Only tokens already valid now are verified successfully (nbf passed), so the one
    // remaining condition, `exp`, is what the cached entry checks.
    if (cache.size >= CACHE_MAX) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(token, claims);
    return claims;
  };
}

/** `Authorization: Bearer <jwt>` → the token, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
