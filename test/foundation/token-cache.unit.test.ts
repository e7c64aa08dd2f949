import { createTokenVerifier } from '../../src/components/auth/token-verifier';
import { createTestKeys, newUser, type TestKeys } from '../helpers/tokens';

describe('the token verifier cache', () => {
  // One key pair per file (each verifier imports its key once).
  let keys: TestKeys;
  beforeAll(async () => {
    keys = await createTestKeys();
  });
  afterEach(() => jest.restoreAllMocks());

  it('when a verified token is presented again, then it is answered from the cache with the same claims', async () => {
    const verify = createTokenVerifier(keys.publicPem);
    const user = newUser('cache');
    const token = await keys.sign(user);
    const first = await verify(token);
    expect(first).toMatchObject({ sub: user.userId, username: user.username, email: user.email });
    expect(await verify(token)).toBe(first);
  });

  it('when a cached token has expired (past exp plus the 5 s skew), then it is refused', async () => {
    const verify = createTokenVerifier(keys.publicPem);
    const token = await keys.sign(newUser('cache'), { expiresIn: 60 });
    await verify(token);
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 64_000);
    await expect(verify(token)).resolves.toBeDefined(); // within the skew
    jest.spyOn(Date, 'now').mockReturnValue(now + 66_000);
    await expect(verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('when a token fails verification, then it is not cached and fails every time', async () => {
    const verify = createTokenVerifier(keys.publicPem);
    const token = await keys.signWithOtherKey(newUser('cache'));
    await expect(verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
