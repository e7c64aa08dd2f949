import { startTestApp, type TestApp } from '../helpers/test-app';
import { httpClient } from '../helpers/http';
import { spawnApiNode } from '../helpers/processes';
import { createTestKeys, newUser } from '../helpers/tokens';

describe('POST /dev/token', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ devAuth: true });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('when asked in development without CLERK_JWT_KEY, then it mints a token that works on /api/me', async () => {
    const u = newUser('dev');
    const res = await app.http.post('/dev/token', { body: { ...u, firstName: 'Dev', lastName: 'Eloper' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ token: expect.any(String) });
    const me = await app.http.get('/api/me', { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userId: u.userId, username: u.username, email: u.email, firstName: 'Dev', lastName: 'Eloper' });
  });

  it('when the body is invalid, then 400 VALIDATION_FAILED naming the fields', async () => {
    const res = await app.http.post('/dev/token', { body: { userId: '', username: 'x', email: 'not-an-email' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = (res.body.error.details as Array<{ field: string }>).map((d) => d.field).join(' ');
    expect(fields).toContain('userId');
    expect(fields).toContain('email');
    const missing = await app.http.post('/dev/token', { body: {} });
    expect(missing.status).toBe(400);
    const malformed = await app.http.post('/dev/token', { rawBody: '{"userId":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('when CLERK_JWT_KEY is set, then /dev/token does not exist (404)', async () => {
    // A second node (its own process) on the same database, with a real key: no dev route.
    const keys = await createTestKeys();
    const node = await spawnApiNode({ ...app.env, CLERK_JWT_KEY: keys.publicPem });
    try {
      const res = await httpClient(node.url!).post('/dev/token', { body: newUser('nope') });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    } finally {
      await node.stop();
    }
  }, 60_000);
});
