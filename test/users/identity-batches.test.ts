import { cachedUser, IDENTITY_CACHE } from '../../src/components/users';
import type { AppContext } from '../../src/context';
import { findUser } from '../../src/components/users/users.repository';
import { startTestApp, type TestApp } from '../helpers/test-app';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Identity-cache misses are read in batches that grow with the load (src/components/users/identity.cache.ts). */
describe('identity-cache misses during a rush', () => {
  let app: TestApp;
  let ctx: AppContext;
  let userQueries = 0;
  beforeAll(async () => {
    app = await startTestApp();
    ctx = app.node.ctx;
    ctx.sequelize.addHook('afterQuery', (_options, query) => {
      const sql = (query as unknown as { sql?: string }).sql ?? '';
      if (/FROM "?users"?\s/.test(sql) && /IN \(/.test(sql)) userQueries += 1;
    });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('when 30 handshakes miss the cache one turn after another, then their rows come from a few queries, each miss answered with its own row', async () => {
    const users = [];
    for (let i = 0; i < 30; i += 1) users.push(await app.signedUpUser(`rush${i}`));
    // Signing up cached them on this node: a fresh start (a restarted node) misses them all.
    await ctx.caches.cache(IDENTITY_CACHE.name, IDENTITY_CACHE).invalidateMany(users.map((u) => u.userId));
    await new Promise((resolve) => setTimeout(resolve, 150)); // quiet: the first miss is read at once
    userQueries = 0;
    const answers: Array<Promise<unknown>> = [];
    for (const u of users) {
      answers.push(cachedUser(ctx, u.userId));
      await nextTurn();
    }
    const rows = (await Promise.all(answers)) as Array<{ userId: string; username: string } | null>;
    expect(rows.map((r) => r?.userId)).toEqual(users.map((u) => u.userId));
    expect(rows.map((r) => r?.username)).toEqual(users.map((u) => u.username));
    // The first alone, the rest gathered by the rush window (one query each without it: 30).
    expect(userQueries).toBeGreaterThanOrEqual(1);
    expect(userQueries).toBeLessThanOrEqual(4);
  });

  it('when a miss is read in a batch, then its row is the row itself: every column, with the types of a single read', async () => {
    const user = await app.signedUpUser('batchrow');
    await ctx.caches.cache(IDENTITY_CACHE.name, IDENTITY_CACHE).invalidateMany([user.userId]);
    const batched = await cachedUser(ctx, user.userId);
    const single = await findUser(ctx.sequelize, user.userId);
    expect(single).not.toBeNull();
    expect(batched).toEqual(single);
    expect(batched?.createdAt).toBeInstanceOf(Date);
    expect(typeof batched?.preferences).toBe('object');
    expect(await cachedUser(ctx, 'user_nobody_at_all')).toBeNull();
  });
});
