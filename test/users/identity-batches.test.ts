import { cachedUser, IDENTITY_CACHE } from '../../src/components/users';
import type { AppContext } from '../../src/context';
import { Client } from 'pg';
import { findUser } from '../../src/components/users/users.repository';
import { startTestApp, type TestApp } from '../helpers/test-app';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Identity-cache misses are read in batches that grow with the load (src/components/users/identity.cache.ts). */
describe('identity-cache misses during a rush', () => {
  let app: TestApp;
  let ctx: AppContext;
  let userQueries = 0;
  let restoreQuery = (): void => undefined;
  beforeAll(async () => {
    app = await startTestApp();
    ctx = app.node.ctx;
    // Each batch is one statement: the users-by-ids prepared statement, counted as the
    // pooled pg clients send it (the query runs as it would).
    const query = Client.prototype.query as (...args: unknown[]) => unknown;
    Client.prototype.query = function (this: Client, ...args: unknown[]) {
      if ((args[0] as { name?: string } | undefined)?.name === 'users-by-ids') userQueries += 1;
      return query.apply(this, args);
    } as typeof Client.prototype.query;
    restoreQuery = () => {
      Client.prototype.query = query as typeof Client.prototype.query;
    };
  });
  afterAll(async () => {
    restoreQuery();
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
