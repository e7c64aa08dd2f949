import { exportSPKI, generateKeyPair, SignJWT, type KeyLike } from 'jose';

export interface TestUser {
  userId: string;
  username: string;
  email: string;
  firstName?: string;
  lastName?: string;
}

export interface TokenOptions {
  /** Seconds from now; negative for an expired token. Default 3600. */
  expiresIn?: number;
  /** Seconds from now for `nbf`. Default 0. */
  notBefore?: number;
  azp?: string;
  /** Leave out the username/email claims (a user the webhook has not synced yet). */
  withoutProfile?: boolean;
  key?: KeyLike;
}

export interface TestKeys {
  publicPem: string;
  sign(user: TestUser, options?: TokenOptions): Promise<string>;
  /** Another key pair's signer, for wrong-key tests. */
  signWithOtherKey(user: TestUser): Promise<string>;
}

/** An RS256 key pair standing in for Clerk's: the server gets its public PEM as CLERK_JWT_KEY. */
export async function createTestKeys(): Promise<TestKeys> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const other = await generateKeyPair('RS256');
  const sign = async (user: TestUser, options: TokenOptions = {}): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = options.withoutProfile
      ? {}
      : { username: user.username, email: user.email, first_name: user.firstName, last_name: user.lastName };
    if (options.azp) claims.azp = options.azp;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setSubject(user.userId)
      .setIssuedAt(now - 10)
      .setNotBefore(now + (options.notBefore ?? 0))
      .setExpirationTime(now + (options.expiresIn ?? 3600))
      .sign(options.key ?? privateKey);
  };
  return {
    publicPem: await exportSPKI(publicKey),
    sign,
    signWithOtherKey: (user) => sign(user, { key: other.privateKey }),
  };
}

let counter = 0;
/** A fresh user description, unique within the run. */
export function newUser(name = 'user'): TestUser {
  counter += 1;
  const suffix = `${process.pid}_${counter}_${Math.random().toString(36).slice(2, 7)}`;
  return { userId: `user_${suffix}`, username: `${name}_${suffix}`.slice(0, 60), email: `${name}_${suffix}@example.test` };
}
