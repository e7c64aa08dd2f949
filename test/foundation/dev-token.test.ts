import { runSeed } from '../../seeders/seed';
import { createLogger } from '../../src/lib/logger';
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
      expect((await httpClient(node.url!).get('/dev/demo-users')).status).toBe(404);
    } finally {
      await node.stop();
    }
  }, 60_000);

  it('when the demo users are asked for, then none before seeding and the four seeded people with their groups after', async () => {
    const before = await app.http.get('/dev/demo-users');
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ items: [] });

    await runSeed(app.node.ctx.sequelize, createLogger('silent'));
    const after = await app.http.get('/dev/demo-users');
    expect(after.status).toBe(200);
    expect(after.body.items.map((u: { userId: string }) => u.userId)).toEqual(['user_seed_001', 'user_seed_002', 'user_seed_003', 'user_seed_004']);
    expect(after.body.items[0]).toMatchObject({
      username: 'ana_sat1',
      email: 'ana.sato1@studysync.example',
      firstName: 'Ana',
      lastName: 'Sato',
      groups: expect.arrayContaining([{ id: expect.any(Number), groupName: 'Calculus II Study Hall', role: 'leader' }]),
    });
    // Every one of them is in the same group, so two browsers meet in one room.
    for (const u of after.body.items) expect(u.groups.map((g: { groupName: string }) => g.groupName)).toContain('Calculus II Study Hall');
    // A token for a listed user signs in as that seeded person (no new user, no new name).
    const { userId, username, email } = after.body.items[1];
    const token = (await app.http.post('/dev/token', { body: { userId, username, email } })).body.token;
    expect((await app.http.get('/api/me', { token })).body).toMatchObject({ userId, username, firstName: 'Ben' });
  }, 60_000);
});
