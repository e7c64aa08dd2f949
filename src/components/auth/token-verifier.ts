import { createHash } from 'node:crypto';
import { createVerifier } from 'fast-jwt';
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
 * Networkless Clerk session-token verification, as Clerk's "manual JWT verification" guide
 * describes it: RS256 signature against the PEM public key (CLERK_JWT_KEY), `exp` required,
 * `exp`, `nbf` and `iat` (not in the future) with 5 s skew, `typ` JWT when present, and
 * `azp` when authorized parties are set (a token without `azp` is refused then, too). The
 * same checks as `@clerk/backend`'s `verifyToken`, with the key imported once: that
 * function imports the PEM key through WebCrypto on every call (~0.3 ms against ~0.1 ms
 * here, per new token; docs/PERFORMANCE.md).
 */
/**
 * Verified tokens kept until they expire, by the SHA-256 of their exact text: a 44-byte
 * key instead of the ~0.5 KB token, which would otherwise live as long as its entry (up to
 * one per held socket).
 */
const CACHE_MAX = 10_000;

type Cached = TokenClaims;

export function createTokenVerifier(jwtKey: string, authorizedParties?: string[]): TokenVerifier {
  const cache = new Map<string, Cached>();

  // Synchronous: fast-jwt checks the RS256 signature with node:crypto on this thread
  // (~0.05 ms). jose's verify is asynchronous, a libuv threadpool job per token whose
  // thread hand-offs cost the node more than the signature check itself in a rush
  // (docs/PERFORMANCE.md, seventh pass). Built on first use, like the key before it.
  let verifier: ((token: string) => { header: Record<string, unknown>; payload: Record<string, unknown> }) | undefined;
  const verifyJws = (token: string) => {
    verifier ??= createVerifier({ key: jwtKey, algorithms: ['RS256'], clockTolerance: CLOCK_SKEW_MS, requiredClaims: ['exp'], complete: true });
    return verifier(token);
  };

  const verify = (token: string): TokenClaims => {
    let claims: Record<string, unknown>;
    try {
      // fast-jwt: the signature, alg RS256 only, no unknown `crit`, an object payload, a
      // numeric `exp` required, `exp` and `nbf` with the skew. The rest is Clerk's.
      const { header, payload } = verifyJws(token);
      if (header.typ !== undefined && header.typ !== 'JWT') throw new Error('typ');
      if (payload.iat !== undefined && (typeof payload.iat !== 'number' || payload.iat * 1000 > Date.now() + CLOCK_SKEW_MS)) throw new Error('iat');
      claims = payload;
    } catch {
      throw unauthenticated('Invalid or expired token');
    }
    if (authorizedParties?.length && (typeof claims.azp !== 'string' || !authorizedParties.includes(claims.azp))) {
      throw unauthenticated('Invalid or expired token');
    }
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
    const digest = createHash('sha256').update(token).digest('base64');
    const hit = cache.get(digest);
    if (hit) {
      if (hit.expiresAt > now) return hit;
      cache.delete(digest);
      throw unauthenticated('Invalid or expired token');
    }
    const claims: Cached = verify(token);
    // Only tokens already valid now are verified successfully (nbf passed), so the one
    // remaining condition, `exp`, is what the cached entry checks.
    if (cache.size >= CACHE_MAX) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(digest, claims);
    return claims;
  };
}

/** `Authorization: Bearer <jwt>` → the token, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
