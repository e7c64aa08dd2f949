import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Webhook } from 'svix';
import type { HttpResult } from '../helpers/http';
import { connectSocket, emitAck } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

const fields = (res: HttpResult): string[] => ((res.body?.error?.details ?? []) as Array<{ field: string }>).map((d) => d.field);
const expect400 = (res: HttpResult, field: string): void => {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  expect(fields(res)).toContain(field);
};
const cursorOf = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('hostile and malformed input', () => {
  let app: TestApp;
  let db: Client;
  beforeAll(async () => {
    app = await startTestApp({ devAuth: true, env: { CLERK_WEBHOOK_SIGNING_SECRET: SECRET } });
    db = new Client({ connectionString: app.isolation.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await app.stop();
  });

  /** A dev-token user (this app runs with dev auth, so /dev/token is served). */
  const devUser = async (name: string): Promise<{ userId: string; token: string }> => {
    const userId = `user_${name}_${randomBytes(4).toString('hex')}`;
    const res = await app.http.post('/dev/token', { body: { userId, username: userId, email: `${userId}@example.test` } });
    expect(res.status).toBe(200);
    expect((await app.http.get('/api/me', { token: res.body.token })).status).toBe(200);
    return { userId, token: res.body.token };
  };

  describe('bodies: authentication first, 64 KB, bounded depth', () => {
    it('when a body over the limit comes without a valid token, then 401 UNAUTHENTICATED: the body is never read', async () => {
      const big = JSON.stringify({ firstName: 'x'.repeat(1_100_000) });
      expect((await app.http.patch('/api/me', { rawBody: big })).status).toBe(401);
      const nested = '['.repeat(600_000) + ']'.repeat(600_000);
      expect((await app.http.post('/api/groups', { rawBody: nested, token: 'not-a-jwt' })).status).toBe(401);
    });

    it('when an authenticated body is over 64 KB, then 413 PAYLOAD_TOO_LARGE and nothing changes', async () => {
      const u = await devUser('big');
      const res = await app.http.patch('/api/me', { token: u.token, rawBody: JSON.stringify({ firstName: 'x'.repeat(70_000) }) });
      expect(res.status).toBe(413);
      expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('64 KB') });
      // Just under the limit is read (and then validated).
      const near = await app.http.patch('/api/me', { token: u.token, rawBody: JSON.stringify({ firstName: 'x'.repeat(60_000) }) });
      expect400(near, 'body.firstName');
    });

    it('when an authenticated body nests deeper than allowed, then 400 VALIDATION_FAILED naming body', async () => {
      const u = await devUser('deep');
      const deep = `{"groupName":"deep","description":${'['.repeat(200)}${']'.repeat(200)}}`;
      const res = await app.http.post('/api/groups', { token: u.token, rawBody: deep });
      expect400(res, 'body');
      expect(res.body.error.details).toEqual([{ field: 'body', message: expect.stringMatching(/nested/) }]);
      // Depth inside strings does not count.
      expect((await app.http.post('/api/groups', { token: u.token, body: { groupName: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[' } })).status).toBe(201);
    });

    it('when a JSON body is in a charset that cannot be read, then 400 naming body (not a 500)', async () => {
      const u = await devUser('charset');
      for (const charset of ['utf-32', 'utf-7', 'latin1']) {
        const res = await app.http.patch('/api/me', {
          token: u.token,
          rawBody: JSON.stringify({ firstName: 'x' }),
          headers: { 'content-type': `application/json; charset=${charset}` },
        });
        expect({ charset, status: res.status, fields: fields(res) }).toEqual({ charset, status: expect.any(Number), fields: expect.arrayContaining(['body']) });
        expect(res.status === 400 || res.status === 415).toBe(true);
      }
    });

    it('when unauthenticated routes get big bodies, then they keep small limits (413)', async () => {
      expect(
        (await app.http.post('/dev/token', { rawBody: JSON.stringify({ userId: 'user_x', username: 'x'.repeat(20_000), email: 'x@example.test' }) })).status,
      ).toBe(413);
      const hook = await app.http.post('/webhooks/clerk', {
        rawBody: JSON.stringify({ type: 'user.created', data: { id: 'user_x', pad: 'x'.repeat(300_000) } }),
      });
      expect(hook.status).toBe(413);
      expect(hook.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    });
  });

  describe('bad input that used to be a 500 or silently rewritten', () => {
    it('when any text holds a NUL character, then 400 naming the field, and nothing is stored', async () => {
      const u = await devUser('nul');
      expect400(await app.http.post('/api/groups', { token: u.token, body: { groupName: 'a\u0000b' } }), 'body.groupName');
      expect400(await app.http.patch('/api/me', { token: u.token, body: { firstName: 'a\u0000b' } }), 'body.firstName');
      const group = await app.http.post('/api/groups', { token: u.token, body: { groupName: 'clean' } });
      expect400(await app.http.post(`/api/groups/${group.body.id}/messages`, { token: u.token, body: { content: 'a\u0000b' } }), 'body.content');
      expect400(await app.http.patch(`/api/groups/${group.body.id}`, { token: u.token, body: { description: 'x\u0000' } }), 'body.description');
      expect400(await app.http.get('/api/groups/discover?q=a%00b', { token: u.token }), 'query.q');
      const socket = await connectSocket(app.url, u.token);
      expect(await emitAck(socket, 'chat:send', { groupId: group.body.id, content: 'a\u0000b' })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('content') },
      });
      const { rows } = await db.query(
        "SELECT (SELECT count(*)::int FROM groups WHERE group_name LIKE 'a%b') AS groups, (SELECT count(*)::int FROM messages) AS messages, (SELECT first_name FROM users WHERE user_id = $1) AS first_name",
        [u.userId],
      );
      expect(rows[0]).toEqual({ groups: 0, messages: 0, first_name: null });
    });

    it('when text holds an unpaired surrogate (UTF-8 cannot encode it), then 400 naming the field, and nothing is stored changed', async () => {
      const u = await devUser('surrogate');
      const group = await app.http.post('/api/groups', { token: u.token, body: { groupName: 'whole' } });
      const lone = 'ok \ud800 then';
      const refused = await app.http.post(`/api/groups/${group.body.id}/messages`, { token: u.token, body: { content: lone } });
      expect400(refused, 'body.content');
      expect(refused.body.error.details).toEqual([{ field: 'body.content', message: 'must be well-formed Unicode (no unpaired surrogates)' }]);
      expect400(await app.http.patch('/api/me', { token: u.token, body: { lastName: '\udc00' } }), 'body.lastName');
      const socket = await connectSocket(app.url, u.token);
      expect(await emitAck(socket, 'chat:send', { groupId: group.body.id, content: lone })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('content') },
      });
      // A paired surrogate (an emoji) is text like any other.
      const emoji = await app.http.post(`/api/groups/${group.body.id}/messages`, { token: u.token, body: { content: 'study \ud83d\udcda' } });
      expect(emoji.status).toBe(201);
      const { rows } = await db.query('SELECT content FROM messages WHERE group_id = $1', [group.body.id]);
      expect(rows).toEqual([{ content: 'study \u{1F4DA}' }]);
    });

    it('when a cursor holds an out-of-range date or id, then 400 naming query.cursor', async () => {
      const u = await devUser('cursor');
      for (const s of ['-200000-01-01T00:00:00.000Z', '+200000-01-01T00:00:00.000Z']) {
        expect400(await app.http.get(`/api/sessions?cursor=${cursorOf({ s, i: 1 })}`, { token: u.token }), 'query.cursor');
      }
      expect400(await app.http.get(`/api/groups/discover?cursor=${cursorOf({ id: 1e12 })}`, { token: u.token }), 'query.cursor');
      expect400(await app.http.get(`/api/notifications?cursor=${cursorOf({ id: -1 })}`, { token: u.token }), 'query.cursor');
    });

    it('when a path holds malformed percent-encoding, then 400 naming params', async () => {
      const u = await devUser('pct');
      expect400(await app.http.get('/api/groups/%E0%A4%A', { token: u.token }), 'params');
      expect400(await app.http.get('/api/users/%E0%A4%A', { token: u.token }), 'params');
    });

    it('when a correctly signed webhook carries null or truncated JSON, then 400 naming body', async () => {
      const signer = new Webhook(SECRET);
      const deliver = (body: string) => {
        const id = `msg_${randomBytes(8).toString('hex')}`;
        const at = new Date();
        return app.http.post('/webhooks/clerk', {
          rawBody: body,
          headers: { 'svix-id': id, 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': signer.sign(id, at, body) },
        });
      };
      expect400(await deliver('null'), 'body');
      expect400(await deliver('{"type":"user.created","data":{"id":"user_'), 'body');
      expect400(await deliver('[1,2]'), 'body');
    });
  });

  describe('ids are decimal digits only', () => {
    it.each(['0x10', '1e0', '%201', '%20%201', '+1', '1.0', '-1', '0', '99999999999'])('when a path id is %j, then 400 naming params.id', async (id) => {
      const u = await devUser('ids');
      expect400(await app.http.get(`/api/groups/${id}`, { token: u.token }), 'params.id');
    });

    it('when query ids and numbers are not plain decimals, then 400 naming them; plain ones work', async () => {
      const u = await devUser('qids');
      expect400(await app.http.get('/api/sessions?groupId=0x10', { token: u.token }), 'query.groupId');
      expect400(await app.http.get('/api/sessions?limit=1e1', { token: u.token }), 'query.limit');
      expect400(await app.http.get('/api/me/stats?days=%207', { token: u.token }), 'query.days');
      expect((await app.http.get('/api/sessions?limit=10', { token: u.token })).status).toBe(200);
      expect((await app.http.get('/api/me/stats?days=7', { token: u.token })).status).toBe(200);
    });
  });
});
