import { Redis } from 'ioredis';
import { createCacheBus, type CacheBus } from '../../src/lib/cache';
import { createLogger } from '../../src/lib/logger';
import { deleteByPrefix } from '../../src/lib/redis';
import { eventually } from '../helpers/eventually';
import { REDIS_URL } from '../helpers/env';

/** Two processes' caches on one real Redis channel (the bus of each API node and worker). */
describe('node-local caches invalidated across processes', () => {
  const prefix = `tcache${process.pid}:`;
  const logger = createLogger('silent');
  let clock = 1_000_000;
  const now = (): number => clock;
  let publisherA: Redis;
  let publisherB: Redis;
  let a: CacheBus;
  let b: CacheBus;

  beforeAll(async () => {
    publisherA = new Redis(REDIS_URL);
    publisherB = new Redis(REDIS_URL);
    a = createCacheBus({ redisUrl: REDIS_URL, channel: `${prefix}cache`, publisher: publisherA, logger, now });
    b = createCacheBus({ redisUrl: REDIS_URL, channel: `${prefix}cache`, publisher: publisherB, logger, now });
    await Promise.all([a.ready(), b.ready()]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await deleteByPrefix(publisherA, prefix);
    publisherA.disconnect();
    publisherB.disconnect();
  });

  it('when one process invalidates a key, then the other drops it too, and other keys stay', async () => {
    const onA = a.cache<string>('users', { ttlMs: 60_000, max: 100 });
    const onB = b.cache<string>('users', { ttlMs: 60_000, max: 100 });
    onA.set('u1', 'ana');
    onB.set('u1', 'ana');
    onB.set('u2', 'ben');
    await onA.invalidate('u1');
    expect(onA.get('u1')).toBeUndefined();
    await eventually(() => expect(onB.get('u1')).toBeUndefined());
    expect(onB.get('u2')).toBe('ben');
  });

  it('when an invalidation arrives while a load is in flight, then the stale value read is not kept', async () => {
    const onA = a.cache<string>('race', { ttlMs: 60_000, max: 100 });
    const onB = b.cache<string>('race', { ttlMs: 60_000, max: 100 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const loading = onB.getOrLoad('k', async () => {
      await gate;
      return 'old';
    });
    await onA.invalidate('k');
    // Sentinel: messages on one channel arrive in order, so once B has dropped the key
    // invalidated after 'k', it has handled the invalidation of 'k' too.
    onB.set('sentinel', 'x');
    await onA.invalidate('sentinel');
    await eventually(() => expect(onB.get('sentinel')).toBeUndefined());
    release();
    expect(await loading).toBe('old');
    // Kept only if no invalidation happened during the load; B must not serve 'old' now.
    expect(onB.get('k')).toBeUndefined();
  });

  it('when an entry outlives its time-to-live, then it is reloaded', async () => {
    const cache = a.cache<number>('ttl', { ttlMs: 1000, max: 10 });
    let loads = 0;
    const load = async (): Promise<number> => ++loads;
    expect(await cache.getOrLoad('x', load)).toBe(1);
    expect(await cache.getOrLoad('x', load)).toBe(1);
    clock += 1001;
    expect(await cache.getOrLoad('x', load)).toBe(2);
  });

  it('when more keys than its maximum are set, then the least recently used go first', () => {
    const cache = a.cache<number>('lru', { ttlMs: 60_000, max: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recently used
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('when a process invalidates many keys at once (more than one message holds), then the other drops exactly those', async () => {
    const onA = a.cache<number>('many', { ttlMs: 60_000, max: 2_000 });
    const onB = b.cache<number>('many', { ttlMs: 60_000, max: 2_000 });
    const keys = Array.from({ length: 1_200 }, (_, i) => `k${i}`);
    for (const [i, key] of keys.entries()) onB.set(key, i);
    onB.set('kept', -1);
    const stamp = onB.stamp();
    await onA.invalidateMany(keys);
    await eventually(() => expect(onB.size).toBe(1));
    expect(onB.get('kept')).toBe(-1);
    expect(onB.changedSince('k1199', stamp)).toBe(true);
    expect(onB.changedSince('kept', stamp)).toBe(false);
  });

  it('when a process invalidates a whole cache, then every process empties it', async () => {
    const onA = a.cache<number>('all', { ttlMs: 60_000, max: 10 });
    const onB = b.cache<number>('all', { ttlMs: 60_000, max: 10 });
    onB.set('1', 1);
    onB.set('2', 2);
    await onA.invalidateAll();
    await eventually(() => expect(onB.size).toBe(0));
  });
  it('when a key is invalidated by another process after a stamp was taken, then changedSince tells it for that key only', async () => {
    const onA = a.cache<never>('clock', { ttlMs: 60_000, max: 100 });
    const onB = b.cache<never>('clock', { ttlMs: 60_000, max: 100 });
    const stamp = onB.stamp();
    expect(onB.changedSince('g:1', stamp)).toBe(false);
    await onA.invalidate('g:1');
    expect(onA.changedSince('g:1', stamp)).toBe(true);
    await eventually(() => expect(onB.changedSince('g:1', stamp)).toBe(true));
    expect(onB.changedSince('g:2', stamp)).toBe(false);
    // A later stamp is not affected by the earlier change; everything is after an invalidateAll.
    const later = onB.stamp();
    expect(onB.changedSince('g:1', later)).toBe(false);
    await onA.invalidateAll();
    await eventually(() => expect(onB.changedSince('g:2', later)).toBe(true));
  });
});
