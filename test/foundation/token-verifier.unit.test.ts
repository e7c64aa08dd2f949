import { createSecretKey } from 'node:crypto';
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

  it('when the token is well formed, then its claims come back; the same checks refuse each broken one', async () => {
    const verify = createTokenVerifier(publicPem, ['https://app.example']);
    await expect(verify(await token(withExp))).resolves.toMatchObject({ sub: 'user_claims' });
    // No typ header is fine (Clerk's rule: JWT when present).
    await expect(verify(await token(withExp, { alg: 'RS256' }))).resolves.toMatchObject({ sub: 'user_claims' });

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
