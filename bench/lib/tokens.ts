import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** An RS256 key pair standing in for Clerk's: nodes get `publicPem` as CLERK_JWT_KEY. */
export interface BenchKeys {
  publicPem: string;
  privatePem: string;
}

export function createBenchKeys(): BenchKeys {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs a Clerk-like session token (fast path with node:crypto; fixtures users exist already). */
export function makeSigner(privatePem: string): (userId: string, ttlSeconds?: number) => string {
  const key: KeyObject = createPrivateKey(privatePem);
  const header = b64({ alg: 'RS256', typ: 'JWT' });
  return (userId, ttlSeconds = 3 * 3600) => {
    const now = Math.floor(Date.now() / 1000);
    const body = b64({ sub: userId, iat: now - 10, nbf: now - 10, exp: now + ttlSeconds, username: userId, email: `${userId}@bench.test` });
    const signature = sign('RSA-SHA256', Buffer.from(`${header}.${body}`), key).toString('base64url');
    return `${header}.${body}.${signature}`;
  };
}
