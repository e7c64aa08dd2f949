import { exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import type { Redis } from 'ioredis';

export interface DevKeys {
  publicPem: string;
  sign(claims: DevTokenClaims): Promise<string>;
}

export interface DevTokenClaims {
  userId: string;
  username: string;
  email: string;
  firstName?: string;
  lastName?: string;
  azp?: string;
}

const DEV_TOKEN_TTL = '24h';

/**
 * Development-only signing keys. The first API node to start makes an RS256 key pair
 * and stores it in Redis; every other node sharing that Redis uses the same pair, so a
 * dev token works on whichever node a load balancer picks.
 */
export async function loadDevKeys(redis: Redis, key: string): Promise<DevKeys> {
  let stored = await redis.get(key);
  if (!stored) {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const candidate = JSON.stringify({ publicPem: await exportSPKI(publicKey), privatePem: await exportPKCS8(privateKey) });
    await redis.set(key, candidate, 'NX');
    stored = (await redis.get(key)) ?? candidate;
  }
  const { publicPem, privatePem } = JSON.parse(stored) as { publicPem: string; privatePem: string };
  const privateKey = await importPKCS8(privatePem, 'RS256');
  return {
    publicPem,
    sign: (claims) => {
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = {
        username: claims.username,
        email: claims.email,
        first_name: claims.firstName,
        last_name: claims.lastName,
        azp: claims.azp,
        sid: `sess_dev_${now}`,
      };
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
        .setSubject(claims.userId)
        .setIssuer('studysync-dev')
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(DEV_TOKEN_TTL)
        .sign(privateKey);
    },
  };
}
