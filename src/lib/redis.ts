import type { Duplex } from 'node:stream';
import { Redis, type RedisOptions } from 'ioredis';
import { writePerTurn } from './write-per-turn';

/** Every connection the client opens (reconnections too) writes once per turn (write-per-turn.ts). */
function batchWrites(client: Redis): Redis {
  client.on('connect', () => writePerTurn((client as unknown as { stream: Duplex }).stream));
  return client;
}

/**
 * Redis clients. The command client fails fast while Redis is unreachable (no offline
 * queue, one retry) so a request answers 503 instead of hanging; the pub/sub clients of
 * the Socket.IO adapter and BullMQ's blocking clients keep retrying for ever.
 */
export function createCommandClient(url: string, name: string): Redis {
  return batchWrites(
    new Redis(url, {
      connectionName: name,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
      retryStrategy: (times) => Math.min(times * 100, 2000),
    }),
  );
}

export function createSubscriberClient(url: string, name: string): Redis {
  return batchWrites(
    new Redis(url, {
      connectionName: name,
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(times * 100, 2000),
    }),
  );
}

/** Connection options for BullMQ (it needs `maxRetriesPerRequest: null` on workers). */
export function bullConnection(url: string, forWorker: boolean): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: forWorker ? null : 1,
    enableOfflineQueue: forWorker,
    retryStrategy: (times: number) => Math.min(times * 100, 2000),
  };
}

export async function connectRedis(client: Redis): Promise<void> {
  if (client.status === 'wait') await client.connect();
}

/** Idempotent quit that never throws (for stop paths). */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/** Deletes every key under a prefix (test and bench cleanup). */
export async function deleteByPrefix(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await client.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
