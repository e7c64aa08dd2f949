import net from 'node:net';
import { Client } from 'pg';
import { PG_BASE } from '../helpers/env';
import { eventually } from '../helpers/eventually';
import { httpClient, type HttpResult } from '../helpers/http';
import { freePort, spawnApiNode } from '../helpers/processes';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** The contract's error body, and never a stack trace or file path. */
function expectError(res: HttpResult, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  expect(Object.keys(res.body.error).sort()).toEqual(expect.arrayContaining(['code', 'message']));
  const text = JSON.stringify(res.body);
  expect(text).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.ts:\d+|stack/i);
}

const fields = (res: HttpResult): string[] => (res.body.error.details as Array<{ field: string }>).map((d) => d.field);

/** A TCP relay in front of Redis that can be cut and restored (Redis "going down"). */
async function redisRelay(target = 6379) {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const up = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => s.destroy());
          s.on('close', () => sockets.delete(s));
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server!.close(() => resolve());
    });
  await up();
  return { port, up, down };
}

describe('errors of the HTTP base', () => {
  let app: TestApp;
  beforeAll(async () => {
    // No web client here: unknown paths must answer the JSON 404.
    app = await startTestApp({ env: { WEB_DIR: '/nonexistent-studysync-web' } });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('when PATCH /api/me has a bad field, then 400 VALIDATION_FAILED names it and nothing changes', async () => {
    const u = await app.signedUpUser('val');
    const res = await app.http.patch('/api/me', { token: u.token, body: { username: 'x', firstName: 'Changed' } });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(fields(res)).toContain('body.username');
    expect((await app.http.get('/api/me', { token: u.token })).body.firstName).toBeNull();

    const unknown = await app.http.patch('/api/me', { token: u.token, body: { totalStudyTime: 999 } });
    expectError(unknown, 400, 'VALIDATION_FAILED');
  });

  it('when preferences.timezone is not an IANA zone, then 400 naming body.preferences.timezone; a valid one is stored', async () => {
    const u = await app.signedUpUser('tz');
    const bad = await app.http.patch('/api/me', { token: u.token, body: { preferences: { timezone: 'Mars/Olympus' } } });
    expectError(bad, 400, 'VALIDATION_FAILED');
    expect(fields(bad)).toContain('body.preferences.timezone');
    const good = await app.http.patch('/api/me', { token: u.token, body: { preferences: { timezone: 'Asia/Tokyo', theme: 'dark' } } });
    expect(good.status).toBe(200);
    expect(good.body.preferences).toEqual({ timezone: 'Asia/Tokyo', theme: 'dark' });
  });

  it('when the JSON body is malformed, then 400 VALIDATION_FAILED', async () => {
    const u = await app.signedUpUser('json');
    expectError(await app.http.patch('/api/me', { token: u.token, rawBody: '{"firstName": ' }), 400, 'VALIDATION_FAILED');
  });

  it('when the token is missing, then 401 UNAUTHENTICATED', async () => {
    expectError(await app.http.get('/api/me'), 401, 'UNAUTHENTICATED');
  });

  it('when the token is missing and the JSON body is malformed too, then 401 UNAUTHENTICATED (authentication comes first)', async () => {
    expectError(await app.http.patch('/api/me', { rawBody: '{"firstName": ' }), 401, 'UNAUTHENTICATED');
    expectError(await app.http.post('/api/groups', { rawBody: '{bad', token: 'not-a-jwt' }), 401, 'UNAUTHENTICATED');
    // An unknown route stays 404 whatever the body.
    expectError(await app.http.post('/api/nope', { rawBody: '{bad' }), 404, 'NOT_FOUND');
  });

  it('when an unknown user has no profile claims, then 403 USER_NOT_SYNCED', async () => {
    const u = await app.user('nosync', { withoutProfile: true });
    expectError(await app.http.get('/api/me', { token: u.token }), 403, 'USER_NOT_SYNCED');
  });

  it('when the route does not exist, then 404 NOT_FOUND (under /api and outside it)', async () => {
    const u = await app.signedUpUser('nf');
    expectError(await app.http.get('/api/nope', { token: u.token }), 404, 'NOT_FOUND');
    expectError(await app.http.get('/nope'), 404, 'NOT_FOUND');
    expectError(await app.http.get(`/api/users/user_does_not_exist`, { token: u.token }), 404, 'NOT_FOUND');
  });

  it('when the wanted username is taken, then PATCH /api/me answers 409 CONFLICT', async () => {
    const a = await app.signedUpUser('taken');
    const b = await app.signedUpUser('taker');
    expectError(await app.http.patch('/api/me', { token: b.token, body: { username: a.username } }), 409, 'CONFLICT');
    // Keeping one's own username is not a conflict.
    expect((await app.http.patch('/api/me', { token: a.token, body: { username: a.username } })).status).toBe(200);
  });

  it('when an authenticated body is over the 64 KB limit, then 413 PAYLOAD_TOO_LARGE', async () => {
    const u = await app.signedUpUser('big');
    const res = await app.http.patch('/api/me', { token: u.token, rawBody: JSON.stringify({ firstName: 'x'.repeat(1_100_000) }) });
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('when Redis becomes unreachable, then /readyz answers 503 naming redis, and Redis-backed routes 503 UNAVAILABLE', async () => {
    // A second node in its own process (models are bound per process), behind the relay.
    const relay = await redisRelay();
    const node = await spawnApiNode({ ...app.env, REDIS_URL: `redis://127.0.0.1:${relay.port}` });
    const http = httpClient(node.url!);
    try {
      const u = await app.signedUpUser('redisdown');
      expect((await http.get('/readyz')).status).toBe(200);
      await relay.down();
      const ready = await eventually(async () => {
        const res = await http.get('/readyz');
        expect(res.status).toBe(503);
        return res;
      });
      expectError(ready, 503, 'UNAVAILABLE');
      expect(ready.body.error.message).toMatch(/redis/);
      expect(ready.body.error.details).toEqual({ postgres: 'up', redis: 'down' });
      expectError(await http.get('/api/timer', { token: u.token }), 503, 'UNAVAILABLE');
    } finally {
      await relay.up();
      await node.stop();
      await relay.down();
    }
  }, 60_000);

  // Last: it makes this file's database unreachable.
  it('when PostgreSQL becomes unreachable, then requests answer 503 UNAVAILABLE and /readyz names postgres', async () => {
    const u = await app.signedUpUser('pgdown');
    const admin = new Client({ connectionString: `${PG_BASE}/postgres` });
    await admin.connect();
    const db = app.isolation.databaseName;
    try {
      await admin.query(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db]);
      const me = await eventually(async () => {
        const res = await app.http.get('/api/me', { token: u.token });
        expect(res.status).toBe(503);
        return res;
      });
      expectError(me, 503, 'UNAVAILABLE');
      const ready = await app.http.get('/readyz');
      expectError(ready, 503, 'UNAVAILABLE');
      expect(ready.body.error.message).toMatch(/postgres/);
      expect(ready.body.error.details).toEqual({ postgres: 'down', redis: 'up' });
      expect((await app.http.get('/healthz')).status).toBe(200);
    } finally {
      await admin.query(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    // And it recovers once the database is back.
    await eventually(async () => expect((await app.http.get('/api/me', { token: u.token })).status).toBe(200));
  });
});
