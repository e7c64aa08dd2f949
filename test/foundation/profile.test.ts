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

  it('when two PATCHes of different preference keys race, then both keys are kept', async () => {
    const u = await app.signedUpUser('prefs');
    const keys = Array.from({ length: 8 }, (_, i) => `k${i}`);
    const results = await Promise.all(keys.map((k) => app.http.patch('/api/me', { token: u.token, body: { preferences: { [k]: true } } })));
    expect(results.map((r) => r.status)).toEqual(keys.map(() => 200));
    const me = await app.http.get('/api/me', { token: u.token });
    expect(Object.keys(me.body.preferences).sort()).toEqual(keys);
  });
});
