import { Redis } from 'ioredis';
import { refreshEntries } from '../../src/components/presence/presence.store';
import { refreshSockets } from '../../src/components/timers/afk.store';
import { refreshSocketQuota } from '../../src/realtime/socket-quota';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The upkeep every node runs for its sockets three times per TTL (presence entries, the
 * socket quota, the AFK guard's socket sets), in script calls of 500: a node holding
 * more than one call's worth refreshes every entry that is still there, and only those.
 */
describe("a node's socket upkeep, beyond one script call", () => {
  let app: TestApp;
  let redis: Redis;
  const SOCKETS = 1201; // three calls: 500, 500, 201
  const ttlMs = 60_000; // PRESENCE_TTL_SECONDS' default
  /**
   * Each test's clock: entries are seeded as if refreshed a while ago but not yet expired
   * (the node's own sweeps, running meanwhile, must not take them), and the refresh moves
   * them to now + TTL.
   */
  const clock = (): { now: number; seeded: number } => {
    const now = Date.now();
    return { now, seeded: now + ttlMs / 2 };
  };
  beforeAll(async () => {
    app = await startTestApp();
    redis = new Redis(app.env.REDIS_URL!);
  });
  afterAll(async () => {
    redis.disconnect();
    await app.stop();
  });
  const key = (...parts: Array<string | number>) => `${app.env.REDIS_KEY_PREFIX}${parts.join(':')}`;
  const sockets = Array.from({ length: SOCKETS }, (_, i) => ({ socketId: `s${i}`, userId: `u${i % 400}`, groupId: 9000 + (i % 7) }));
  /** Every tenth socket's entry is gone (released, swept) before the refresh. */
  const gone = (i: number): boolean => i % 10 === 3;

  it('when presence entries are refreshed, then the present ones expire later, the missing ones are reported and not re-added', async () => {
    const { now, seeded } = clock();
    const pipeline = redis.pipeline();
    sockets.forEach((s, i) => {
      if (!gone(i)) pipeline.zadd(key('presence', s.groupId), seeded, `${s.socketId}|${s.userId}`);
    });
    await pipeline.exec();
    const missing = await refreshEntries(app.node.ctx, sockets, now);
    expect(missing.map((s) => s.socketId).sort()).toEqual(
      sockets
        .filter((_, i) => gone(i))
        .map((s) => s.socketId)
        .sort(),
    );
    const scores = await Promise.all(sockets.map((s) => redis.zscore(key('presence', s.groupId), `${s.socketId}|${s.userId}`)));
    expect(scores).toEqual(sockets.map((_, i) => (gone(i) ? null : String(now + ttlMs))));
  });

  it('when the socket quota is refreshed, then each present socket expires later, its set lives on, and a released one stays out', async () => {
    const { now, seeded } = clock();
    const pipeline = redis.pipeline();
    sockets.forEach((s, i) => {
      if (!gone(i)) pipeline.zadd(key('sockets', s.userId), seeded, s.socketId);
    });
    await pipeline.exec();
    await refreshSocketQuota(app.node.ctx, sockets, now);
    const scores = await Promise.all(sockets.map((s) => redis.zscore(key('sockets', s.userId), s.socketId)));
    expect(scores).toEqual(sockets.map((_, i) => (gone(i) ? null : String(now + ttlMs))));
    expect(await redis.pttl(key('sockets', 'u0'))).toBeGreaterThan(ttlMs);
  });

  it("when the AFK guard's sockets are refreshed, then each present socket and its user's liveness move forward, and a removed one stays out", async () => {
    const { now, seeded } = clock();
    const pipeline = redis.pipeline();
    sockets.forEach((s, i) => {
      if (!gone(i)) pipeline.zadd(key('user-sockets', s.userId), seeded, s.socketId);
    });
    for (let u = 0; u < 400; u += 1) pipeline.zadd(key('user-live'), seeded, `u${u}`);
    pipeline.zadd(key('user-live'), now + 2 * ttlMs, 'u1'); // later already: GT keeps it
    await pipeline.exec();
    await refreshSockets(app.node.ctx, sockets, now);
    const scores = await Promise.all(sockets.map((s) => redis.zscore(key('user-sockets', s.userId), s.socketId)));
    expect(scores).toEqual(sockets.map((_, i) => (gone(i) ? null : String(now + ttlMs))));
    expect(await redis.zscore(key('user-live'), 'u0')).toBe(String(now + ttlMs));
    expect(await redis.zscore(key('user-live'), 'u1')).toBe(String(now + 2 * ttlMs));
    expect(await redis.pttl(key('user-sockets', 'u0'))).toBeGreaterThan(ttlMs - 5000);
  });
});
