import { Redis } from 'ioredis';
import { loadConfig } from '../../src/lib/config';
import { deleteByPrefix } from '../../src/lib/redis';
import { isolate, type Isolation } from '../helpers/database';
import { httpClient } from '../helpers/http';
import { spawnApiNode, type Proc } from '../helpers/processes';
import { connectSocket, emitAck, recordEvents, waitForEvent } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe('the default Redis key prefix is unique to the deployment', () => {
  it('when REDIS_KEY_PREFIX is unset, then it is derived from the database (host, port and name) and an explicit one wins', () => {
    const a = loadConfig({ DATABASE_URL: 'postgres://postgres@db.example:5432/studysync' }).redisKeyPrefix;
    const b = loadConfig({ DATABASE_URL: 'postgres://postgres@db.example:5432/studysync_staging' }).redisKeyPrefix;
    const c = loadConfig({ DATABASE_URL: 'postgres://postgres@other.example:5432/studysync' }).redisKeyPrefix;
    const d = loadConfig({ DATABASE_URL: 'postgres://postgres@db.example:5433/studysync' }).redisKeyPrefix;
    expect(new Set([a, b, c, d]).size).toBe(4);
    for (const prefix of [a, b, c, d]) expect(prefix).toMatch(/^ss:[A-Za-z0-9_-]+:$/);
    // Stable: the same database always gives the same prefix (every node and worker agrees).
    expect(loadConfig({ DATABASE_URL: 'postgres://someone:secret@db.example:5432/studysync' }).redisKeyPrefix).toBe(a);
    expect(loadConfig({ DATABASE_URL: 'postgres://postgres@db.example:5432/studysync', REDIS_KEY_PREFIX: 'prod:' }).redisKeyPrefix).toBe('prod:');
  });

  describe('two deployments on one Redis, both with the default prefix', () => {
    let app: TestApp;
    let other: Isolation;
    let node: Proc;
    beforeAll(async () => {
      app = await startTestApp({ env: { REDIS_KEY_PREFIX: '' } });
      other = await isolate();
      node = await spawnApiNode({
        NODE_ENV: 'test',
        DATABASE_URL: other.databaseUrl,
        REDIS_URL: other.redisUrl,
        CLERK_JWT_KEY: app.keys.publicPem,
        LOG_LEVEL: 'info',
      });
    }, 60_000);
    afterAll(async () => {
      await node?.kill();
      const redis = new Redis(app.env.REDIS_URL!);
      try {
        for (const config of [app.config, loadConfig({ DATABASE_URL: other.databaseUrl })]) await deleteByPrefix(redis, config.redisKeyPrefix);
      } finally {
        redis.disconnect();
      }
      await other?.cleanup();
      await app?.stop();
    });

    it('when both have a group with the same id, then room events of one never reach the sockets of the other, and queues are apart', async () => {
      const otherHttp = httpClient(node.url!);
      const mine = await app.signedUpUser('mine');
      const theirs = await app.user('theirs');
      const myGroup = await app.http.post('/api/groups', { token: mine.token, body: { groupName: 'mine' } });
      const theirGroup = await otherHttp.post('/api/groups', { token: theirs.token, body: { groupName: 'theirs' } });
      expect(theirGroup.body.id).toBe(myGroup.body.id);

      const socket = await connectSocket(app.url, mine.token);
      expect(await emitAck(socket, 'room:join', { groupId: myGroup.body.id })).toMatchObject({ ok: true });
      const seen = recordEvents(socket);
      expect((await otherHttp.post(`/api/groups/${theirGroup.body.id}/messages`, { token: theirs.token, body: { content: 'not for you' } })).status).toBe(201);
      // Sentinel: a message of my own deployment, sent afterwards, arrives; theirs never did.
      const sentinel = waitForEvent(socket, 'chat:message', (p) => p.message.content === 'sentinel');
      expect((await app.http.post(`/api/groups/${myGroup.body.id}/messages`, { token: mine.token, body: { content: 'sentinel' } })).status).toBe(201);
      await sentinel;
      expect(seen.filter((e) => e.event === 'chat:message').map((e) => (e.payload as any).message.content)).toEqual(['sentinel']);

      expect(app.node.ctx.queues.sessions.opts.prefix).toBe(`${app.config.redisKeyPrefix}bull`);
      expect(app.config.redisKeyPrefix).not.toBe(loadConfig({ DATABASE_URL: other.databaseUrl }).redisKeyPrefix);
    });

    it('when a node starts, then it logs the prefix it uses', () => {
      const prefix = loadConfig({ DATABASE_URL: other.databaseUrl }).redisKeyPrefix;
      expect(node.output()).toContain(`"redisKeyPrefix":"${prefix}"`);
    });
  });
});
