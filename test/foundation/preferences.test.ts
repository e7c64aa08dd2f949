import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Sequelize } from 'sequelize';
import { createMigrator, dropDatabase, ensureDatabase } from '../../src/lib/db';
import { dbUrl } from '../helpers/env';
import type { HttpResult } from '../helpers/http';
import { startTestApp, type TestApp } from '../helpers/test-app';

const fields = (res: HttpResult): string[] => ((res.body?.error?.details ?? []) as Array<{ field: string }>).map((d) => d.field);

describe('preferences: a schema of known keys, 4 KB at most', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('when unknown preference keys are sent, then 400 names each one and nothing is stored', async () => {
    const u = await app.signedUpUser('unknown');
    const res = await app.http.patch('/api/me', { token: u.token, body: { preferences: { theme: 'dark', foo: 'x', bar: 1 } } });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(expect.arrayContaining(['body.preferences.foo', 'body.preferences.bar']));
    expect((await app.http.get('/api/me', { token: u.token })).body.preferences).toEqual({});
  });

  it('when values are out of their bounds, then 400 names the field', async () => {
    const u = await app.signedUpUser('bounds');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ dailyGoalMinutes: 1441 }, 'body.preferences.dailyGoalMinutes'],
      [{ dailyGoalMinutes: 30.5 }, 'body.preferences.dailyGoalMinutes'],
      [{ dailyGoalMinutes: '30' }, 'body.preferences.dailyGoalMinutes'],
      [{ theme: 'purple' }, 'body.preferences.theme'],
      [{ timezone: 'x'.repeat(5000) }, 'body.preferences.timezone'],
      [{ notifications: { mentions: 'no' } }, 'body.preferences.notifications.mentions'],
      [{ notifications: { sms: true } }, 'body.preferences.notifications.sms'],
      [{ notifications: [] }, 'body.preferences.notifications'],
    ];
    for (const [preferences, field] of cases) {
      const res = await app.http.patch('/api/me', { token: u.token, body: { preferences } });
      expect({ preferences, status: res.status, fields: fields(res) }).toEqual({ preferences, status: 400, fields: expect.arrayContaining([field]) });
    }
  });

  it('when known keys are patched, then they are merged (notifications one level deeper) and null resets one', async () => {
    const u = await app.signedUpUser('merge');
    const patch = async (preferences: Record<string, unknown>) => {
      const res = await app.http.patch('/api/me', { token: u.token, body: { preferences } });
      expect(res.status).toBe(200);
      return res.body.preferences;
    };
    expect(await patch({ timezone: 'europe/paris', dailyGoalMinutes: 90, theme: 'dark' })).toEqual({
      timezone: 'Europe/Paris',
      dailyGoalMinutes: 90,
      theme: 'dark',
    });
    expect(await patch({ notifications: { mentions: false } })).toMatchObject({ notifications: { mentions: false } });
    expect(await patch({ notifications: { groupActivity: false } })).toMatchObject({ notifications: { mentions: false, groupActivity: false } });
    expect(await patch({ theme: null, notifications: { mentions: null } })).toEqual({
      timezone: 'Europe/Paris',
      dailyGoalMinutes: 90,
      notifications: { groupActivity: false },
    });
  });

  it('when a user keeps patching, then preferences never grow past the schema (the audit reached 1,003 keys)', async () => {
    const u = await app.signedUpUser('grow');
    for (let round = 0; round < 5; round += 1) {
      const preferences = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${round}_${i}`, 'x'.repeat(400)]));
      expect((await app.http.patch('/api/me', { token: u.token, body: { preferences } })).status).toBe(400);
    }
    const me = await app.http.get('/api/me', { token: u.token });
    expect(Buffer.byteLength(JSON.stringify(me.body.preferences))).toBeLessThanOrEqual(4096);
    expect(me.body.preferences).toEqual({});
  });

  it('when a user turned a notification category off, then no notification of it is stored or pushed to them', async () => {
    const leader = await app.signedUpUser('lead');
    const quiet = await app.signedUpUser('quiet');
    const group = await app.http.post('/api/groups', { token: leader.token, body: { groupName: 'quiet group', visibility: 'public', groupType: 'community' } });
    expect((await app.http.post(`/api/groups/${group.body.id}/join`, { token: quiet.token })).status).toBe(200);
    expect((await app.http.patch('/api/me', { token: quiet.token, body: { preferences: { notifications: { mentions: false } } } })).status).toBe(200);
    const quietName = (await app.http.get('/api/me', { token: quiet.token })).body.username;
    expect((await app.http.post(`/api/groups/${group.body.id}/messages`, { token: leader.token, body: { content: `hi @${quietName}` } })).status).toBe(201);
    // Sentinel: an invitation notification (still on) arrives; the mention never did.
    const other = await app.http.post('/api/groups', { token: leader.token, body: { groupName: 'other' } });
    expect((await app.http.post(`/api/groups/${other.body.id}/invitations`, { token: leader.token, body: { invitedUserId: quiet.userId } })).status).toBe(201);
    const list = await app.http.get('/api/notifications', { token: quiet.token });
    expect(list.body.items.map((n: { notificationType: string }) => n.notificationType)).toEqual(['invitation_received']);
  });
});

describe('migration 0003: stored preferences keep only known keys', () => {
  const name = `studysync_mig_prefs_${process.pid}_${randomBytes(3).toString('hex')}`;
  const url = dbUrl(name);
  let sequelize: Sequelize;
  let pg: Client;
  beforeAll(async () => {
    await ensureDatabase(url);
    sequelize = new Sequelize(url, { logging: false });
    pg = new Client({ connectionString: url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await sequelize?.close();
    await dropDatabase(url, name);
  });

  it('when migrated up over junk, then only known keys with valid values remain, 4 KB is enforced, and down removes the bound', async () => {
    const migrator = createMigrator(sequelize);
    await migrator.up({ to: '0002-create-webhook-events' });
    const insert = (id: string, preferences: unknown) =>
      pg.query('INSERT INTO users (user_id, username, email, preferences) VALUES ($1, $1, $2, $3)', [id, `${id}@x.test`, JSON.stringify(preferences)]);
    await insert('u_good', { timezone: 'Asia/Tokyo', dailyGoalMinutes: 60, theme: 'system', notifications: { mentions: false, invitations: true } });
    await insert('u_junk', {
      timezone: 42,
      dailyGoalMinutes: 5000,
      theme: 'purple',
      notifications: { mentions: 'no', groupActivity: false, sms: true },
      k1: 'x'.repeat(3000),
      k2: { deep: [1, 2, 3] },
    });
    await insert('u_more', { dailyGoalMinutes: 12.5, notifications: 'on', fontSize: 14 });
    await migrator.up({ to: '0004-preferences-known-keys' });
    const prefs = async (id: string) => (await pg.query('SELECT preferences FROM users WHERE user_id = $1', [id])).rows[0].preferences;
    expect(await prefs('u_good')).toEqual({
      timezone: 'Asia/Tokyo',
      dailyGoalMinutes: 60,
      theme: 'system',
      notifications: { mentions: false, invitations: true },
    });
    expect(await prefs('u_junk')).toEqual({ notifications: { groupActivity: false } });
    expect(await prefs('u_more')).toEqual({});
    await expect(insert('u_big', { theme: 'x'.repeat(5000) })).rejects.toThrow(/users_preferences_size_check/);

    await migrator.down({ to: '0004-preferences-known-keys' });
    await insert('u_big', { theme: 'x'.repeat(5000) });
    await migrator.up();
  });
});
