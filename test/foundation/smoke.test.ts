import { startTestApp, type TestApp } from '../helpers/test-app';

describe('an API node', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('when asked /readyz with PostgreSQL and Redis up, then answers 200', async () => {
    const res = await app.http.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ postgres: 'up', redis: 'up' });
  });

  it('when a new user calls GET /api/me, then the user is created from the token claims', async () => {
    const u = await app.user('ana');
    const res = await app.http.get('/api/me', { token: u.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      userId: u.userId,
      username: u.username,
      email: u.email,
      totalStudyTime: 0,
      currentStreak: 0,
      longestStreak: 0,
      preferences: {},
    });
  });
});
