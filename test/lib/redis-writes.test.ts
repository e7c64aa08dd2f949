import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import type { Redis } from 'ioredis';
import { closeRedis, connectRedis, createCommandClient, deleteByPrefix } from '../../src/lib/redis';
import { REDIS_URL } from '../helpers/env';
import { countWrites } from '../helpers/writes';

/** The writes of the client's current connection. */
const countClientWrites = (client: Redis): { count(): number } => countWrites((client as unknown as { stream: Duplex }).stream);

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the command client writes once per turn of the event loop', () => {
  const prefix = `twrites${process.pid}:`;
  let redis: Redis;
  beforeAll(async () => {
    redis = createCommandClient(REDIS_URL, 'test-writes');
    await connectRedis(redis);
  });
  afterAll(async () => {
    await deleteByPrefix(redis, prefix);
    await closeRedis(redis);
  });

  it('when commands are sent in one turn, then they leave in one write and each gets its own reply, in order', async () => {
    await nextTurn();
    const writes = countClientWrites(redis);
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => redis.incrby(`${prefix}n`, i + 1)));
    expect(writes.count()).toBe(1);
    // INCRBY 1, 2, 3 … in order: running totals 1, 3, 6 …
    expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => ((i + 1) * (i + 2)) / 2));
  });

  it('when commands are sent in two turns, then the first leaves before the second turn', async () => {
    await nextTurn();
    const writes = countClientWrites(redis);
    const first = redis.set(`${prefix}a`, '1');
    await nextTurn();
    expect(writes.count()).toBe(1);
    const second = redis.get(`${prefix}a`);
    await expect(first).resolves.toBe('OK');
    await expect(second).resolves.toBe('1');
    expect(writes.count()).toBe(2);
  });

  it('when the connection is replaced (a reconnection), then the new one batches its writes too', async () => {
    const reconnected = once(redis, 'ready');
    redis.disconnect(true);
    await reconnected;
    await nextTurn();
    const writes = countClientWrites(redis);
    await Promise.all([redis.set(`${prefix}b`, '2'), redis.get(`${prefix}b`), redis.del(`${prefix}b`)]);
    expect(writes.count()).toBe(1);
  });
});
