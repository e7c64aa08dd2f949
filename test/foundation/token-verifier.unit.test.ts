import { createSecretKey, type KeyObject, sign } from 'node:crypto';
import { exportSPKI, generateKeyPair, type KeyLike, SignJWT, UnsecuredJWT } from 'jose';
import { createTokenVerifier } from '../../src/components/auth/token-verifier';

/** The claim checks of the session-token verifier (API.md "Auth"; Clerk's manual verification). */
describe('the session-token verifier', () => {
  let privateKey: KeyLike;
  let publicPem: string;
  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    publicPem = await exportSPKI(pair.publicKey);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const token = (edit: (jwt: SignJWT) => SignJWT = (j) => j, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }) =>
    edit(
      new SignJWT({ azp: 'https://app.example' })
        .setProtectedHeader(header as { alg: string })
        .setSubject('user_claims')
        .setIssuedAt(now() - 10),
    ).sign(privateKey);
  const withExp = (j: SignJWT) => j.setExpirationTime(now() + 600);
  /** A compact JWS signed by hand with the right key (jose refuses to sign some headers a verifier must refuse). */
  const signRaw = (header: object, claims: object) => {
    const input = [header, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.');
    return `${input}.${sign('sha256', Buffer.from(input), privateKey as KeyObject).toString('base64url')}`;
  };
  /** The token's claims edited, signed again with the right key (a claim of the wrong type, not a forgery). */
  const resign = (jwt: string, edit: (claims: Record<string, unknown>) => Record<string, unknown>) => {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    return new SignJWT(edit(claims)).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
  };

  it('when the token is well formed, then its claims come back; the same checks refuse each broken one', async () => {
    const verify = createTokenVerifier(publicPem, ['https://app.example']);
    await expect(verify(await token(withExp))).resolves.toMatchObject({ sub: 'user_claims' });
    // No typ header is fine (Clerk's rule: JWT when present).
    await expect(verify(await token(withExp, { alg: 'RS256' }))).resolves.toMatchObject({ sub: 'user_claims' });

    // The hand-made tokens below are refused for their one flaw: unflawed, they pass.
    await expect(verify(signRaw({ alg: 'RS256' }, { azp: 'https://app.example', sub: 'user_claims', exp: now() + 600 }))).resolves.toMatchObject({
      sub: 'user_claims',
    });
    await expect(verify(await token(withExp).then((jwt) => resign(jwt, (claims) => claims)))).resolves.toMatchObject({ sub: 'user_claims' });

    const refused = {
      'no exp': await token(),
      'typ other than JWT': await token(withExp, { alg: 'RS256', typ: 'at+jwt' }),
      'issued in the future, past the skew': await token((j) => withExp(j).setIssuedAt(now() + 60)),
      'not active yet, past the skew': await token((j) => withExp(j).setNotBefore(now() + 60)),
      'HS256 with the public key as secret': await withExp(
        new SignJWT({ azp: 'https://app.example' }).setProtectedHeader({ alg: 'HS256' }).setSubject('user_claims'),
      )
        .setIssuedAt(now())
        .sign(createSecretKey(Buffer.from(publicPem))),
      'alg none': new UnsecuredJWT({ azp: 'https://app.example', sub: 'user_claims', exp: now() + 600 }).encode(),
      'azp not allowed': await withExp(new SignJWT({ azp: 'https://evil.example' }).setProtectedHeader({ alg: 'RS256' }).setSubject('user_claims')).sign(
        privateKey,
      ),
      'no sub': await withExp(new SignJWT({ azp: 'https://app.example' }).setProtectedHeader({ alg: 'RS256' })).sign(privateKey),
      'expired, past the skew': await token((j) => j.setExpirationTime(now() - 60)),
      'exp not a number': await token((j) => j.setExpirationTime(now() + 600), { alg: 'RS256' }).then((jwt) =>
        resign(jwt, (claims) => ({ ...claims, exp: String(claims.exp) })),
      ),
      'a critical extension it does not know': signRaw(
        { alg: 'RS256', crit: ['x-ext'], 'x-ext': 1 },
        { azp: 'https://app.example', sub: 'user_claims', exp: now() + 600 },
      ),
      'signed by another key': await withExp(new SignJWT({ azp: 'https://app.example' }).setProtectedHeader({ alg: 'RS256' }).setSubject('user_claims')).sign(
        (await generateKeyPair('RS256')).privateKey,
      ),
      'payload changed after signing': await token(withExp).then((jwt) => {
        const [header, , signature] = jwt.split('.');
        const forged = Buffer.from(JSON.stringify({ azp: 'https://app.example', sub: 'user_admin', exp: now() + 600 })).toString('base64url');
        return `${header}.${forged}.${signature}`;
      }),
      'not a JWT': 'not.a.jwt',
    };
    for (const [why, jwt] of Object.entries(refused)) {
      await expect(verify(jwt).then(() => why)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it('when iat or nbf is in the future within the 5 s skew, then the token is accepted', async () => {
    const verify = createTokenVerifier(publicPem);
    await expect(
      verify(
        await token((j) =>
          withExp(j)
            .setIssuedAt(now() + 2)
            .setNotBefore(now() + 2),
        ),
      ),
    ).resolves.toMatchObject({ sub: 'user_claims' });
  });
});
