import { startTestApp, type TestApp } from '../helpers/test-app';

describe('PATCH /api/me', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('when preferences are patched, then the given keys are merged into the stored ones', async () => {
    const u = await app.signedUpUser('prefs');
    expect((await app.http.patch('/api/me', { token: u.token, body: { preferences: { timezone: 'asia/tokyo' } } })).body.preferences).toEqual({
      timezone: 'Asia/Tokyo',
    });
    const res = await app.http.patch('/api/me', { token: u.token, body: { firstName: 'Ana', preferences: { theme: 'dark' } } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ firstName: 'Ana', preferences: { timezone: 'Asia/Tokyo', theme: 'dark' } });
  });

  it('when PATCHes of different preference keys race, then every key is kept', async () => {
    // Preferences are a schema of known keys (unknown ones are refused): race all of them.
    const u = await app.signedUpUser('prefs');
    const patches: Array<Record<string, unknown>> = [
      { timezone: 'Europe/Berlin' },
      { dailyGoalMinutes: 45 },
      { theme: 'light' },
      { notifications: { mentions: false } },
      { notifications: { invitations: true } },
      { notifications: { groupActivity: false } },
    ];
    const results = await Promise.all(patches.map((preferences) => app.http.patch('/api/me', { token: u.token, body: { preferences } })));
    expect(results.map((r) => r.status)).toEqual(patches.map(() => 200));
    const me = await app.http.get('/api/me', { token: u.token });
    expect(me.body.preferences).toEqual({
      timezone: 'Europe/Berlin',
      dailyGoalMinutes: 45,
      theme: 'light',
      notifications: { mentions: false, invitations: true, groupActivity: false },
    });
  });
});
