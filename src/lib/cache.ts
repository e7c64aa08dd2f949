import type { Redis } from 'ioredis';
import type { Logger } from './logger';
import { closeRedis, createSubscriberClient } from './redis';

/**
 * Node-local read caches that every process of the deployment can invalidate.
 *
 * Each process keeps small maps (bounded, with a time-to-live) in its own memory, and one
 * Redis pub/sub channel under the deployment's key prefix carries invalidations: after a
 * change is committed, the writer calls `invalidate(key)`, which drops the entry in its
 * own process and publishes `{cache, key}` so every other API node and worker drops it
 * too. The time-to-live is the safety net for what pub/sub cannot promise (a message lost
 * while a subscriber reconnects): every entry is reloaded at the latest `ttlMs` after it
 * was read, and a subscriber that reconnects clears every cache of its process, since it
 * may have missed invalidations while it was away.
 *
 * A load that races an invalidation never stores the stale value it read: each key has a
 * generation, bumped by every invalidation, and `getOrLoad` keeps what it loaded only when
 * the generation did not move while it was loading.
 */
export interface LocalCache<V> {
  /** The cached value, or undefined when absent or expired. */
  get(key: string): V | undefined;
  /** The cached value, or what `load` returns (then cached unless invalidated meanwhile). */
  getOrLoad(key: string, load: () => Promise<V>): Promise<V>;
  set(key: string, value: V): void;
  /** Drops the key in this process and, through Redis, in every other one. Call after the change is committed. */
  invalidate(key: string): Promise<void>;
  /** `invalidate` for several keys: the same messages, published in one round trip. */
  invalidateMany(keys: readonly string[]): Promise<void>;
  /** Drops every key in this process and in every other one. */
  invalidateAll(): Promise<void>;
  /** How many entries this process holds (metrics, tests). */
  readonly size: number;
  /**
   * This process's change clock: a number that every later invalidation (of any key,
   * from any process) exceeds. Take it before loading something derived from keys.
   */
  stamp(): number;
  /**
   * Whether `key` was (or may have been) invalidated in this process after `stamp` was
   * taken: a derived value loaded after `stamp` is still good while none of the keys it
   * depends on changed since.
   */
  changedSince(key: string, stamp: number): boolean;
}

export interface CacheOptions {
  /** How long an entry may be served without being reloaded (the safety net of pub/sub). */
  ttlMs: number;
  /** At most this many entries (least recently used ones go first). */
  max: number;
}

export interface CacheBus {
  /** The cache named `name` of this process (one per name: a second call returns the same one). */
  cache<V>(name: string, options: CacheOptions): LocalCache<V>;
  /** Resolves once the invalidation channel is subscribed (processes await it at start). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

const ALL = '*';

/**
 * The message on the channel: which cache, and which key (`*`: all of them) or keys. Many
 * keys of one cache travel as one message (`ks`): a worker batch drops hundreds of users
 * at once. A process that only knows `k` ignores `ks` (its entries then live out their
 * TTL, e.g. during a rolling deploy).
 */
type Invalidation = { c: string; k: string } | { c: string; ks: string[] };

/** Keys per multi-key message (bounds one message's size). */
const KEYS_PER_MESSAGE = 500;

class MemoryCache<V> implements LocalCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly generations = new Map<string, number>();
  private epoch = 0;
  /** The change clock: bumped by every invalidation; `changedAt` holds the clock of each key's last one. */
  private clock = 0;
  private readonly changedAt = new Map<string, number>();
  /** Keys not in `changedAt` changed at the latest at `floor` (when it was last cleared). */
  private floor = 0;

  constructor(
    private readonly name: string,
    private readonly options: CacheOptions,
    private readonly publish: (messages: readonly Invalidation[]) => Promise<void>,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Most recently used last: Map keeps insertion order, so the first key is the eviction candidate.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.options.ttlMs });
    while (this.entries.size > this.options.max) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  async getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const generation = this.generation(key);
    const value = await load();
    if (this.generation(key) === generation) this.set(key, value);
    return value;
  }

  async invalidate(key: string): Promise<void> {
    this.dropLocal(key);
    await this.publish([{ c: this.name, k: key }]);
  }

  async invalidateMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.dropLocal(key);
    if (keys.length <= 1) {
      await this.publish(keys.map((k) => ({ c: this.name, k })));
      return;
    }
    const messages: Invalidation[] = [];
    for (let i = 0; i < keys.length; i += KEYS_PER_MESSAGE) messages.push({ c: this.name, ks: keys.slice(i, i + KEYS_PER_MESSAGE) });
    await this.publish(messages);
  }

  async invalidateAll(): Promise<void> {
    this.dropLocal(ALL);
    await this.publish([{ c: this.name, k: ALL }]);
  }

  stamp(): number {
    return this.clock;
  }

  changedSince(key: string, stamp: number): boolean {
    return (this.changedAt.get(key) ?? this.floor) > stamp;
  }

  /** Drops a key (or, with `*`, everything) in this process only. */
  dropLocal(key: string): void {
    this.clock += 1;
    if (key === ALL || this.changedAt.size >= this.options.max * 4) {
      // Forgotten keys count as changed now: values loaded before are stale, later ones fine.
      this.changedAt.clear();
      this.floor = this.clock;
    }
    if (key !== ALL) this.changedAt.set(key, this.clock);
    if (key === ALL) {
      this.entries.clear();
      this.generations.clear();
      this.epoch += 1;
      return;
    }
    this.entries.delete(key);
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    // Generations of keys never read again would pile up: forget them with their entries.
    if (this.generations.size > this.options.max * 4) {
      this.generations.clear();
      this.epoch += 1;
    }
  }

  private generation(key: string): string {
    return `${this.epoch}:${this.generations.get(key) ?? 0}`;
  }
}

/**
 * One invalidation bus per process: a subscriber connection on `channel` (give it the
 * deployment's prefix, e.g. `ctx.key('cache')`), publishing through `publisher` (the
 * process's command client, which fails fast while Redis is down: a failed publish is
 * logged, and the other processes then serve the old value for at most the cache's TTL).
 */
export function createCacheBus(options: { redisUrl: string; channel: string; publisher: Redis; logger: Logger; now?: () => number }): CacheBus {
  const { channel, publisher, logger } = options;
  const now = options.now ?? Date.now;
  const caches = new Map<string, MemoryCache<unknown>>();
  const subscriber = createSubscriberClient(options.redisUrl, 'studysync-cache-bus');
  subscriber.on('error', (error) => logger.warn({ err: error }, 'cache bus subscriber error'));

  let connectedBefore = false;
  subscriber.on('ready', () => {
    // After a reconnect, invalidations sent while we were away are lost: start afresh.
    if (connectedBefore) for (const cache of caches.values()) cache.dropLocal(ALL);
    connectedBefore = true;
  });
  subscriber.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    let message: Invalidation;
    try {
      message = JSON.parse(text) as Invalidation;
    } catch {
      return;
    }
    const cache = typeof message?.c === 'string' ? caches.get(message.c) : undefined;
    if (!cache) return;
    if ('k' in message && typeof message.k === 'string') cache.dropLocal(message.k);
    else if ('ks' in message && Array.isArray(message.ks)) for (const key of message.ks) if (typeof key === 'string') cache.dropLocal(key);
  });
  const subscribed = subscriber.subscribe(channel).then(() => undefined);
  subscribed.catch((error: unknown) => logger.warn({ err: error }, 'cache bus could not subscribe'));

  const publish = async (messages: readonly Invalidation[]): Promise<void> => {
    const [first] = messages;
    if (!first) return;
    try {
      if (messages.length === 1) {
        await publisher.publish(channel, JSON.stringify(first));
      } else {
        // Several messages (several caches' keys, or a long key list), written in one pipeline.
        const pipeline = publisher.pipeline();
        for (const message of messages) pipeline.publish(channel, JSON.stringify(message));
        const failed = (await pipeline.exec())?.find(([error]) => error);
        if (failed) throw failed[0];
      }
    } catch (error) {
      logger.warn({ err: error, cache: first.c }, 'cache invalidation not published; other processes may serve the old value until it expires');
    }
  };

  let closing: Promise<void> | undefined;
  return {
    cache<V>(name: string, cacheOptions: CacheOptions): LocalCache<V> {
      let cache = caches.get(name);
      if (!cache) {
        cache = new MemoryCache<unknown>(name, cacheOptions, publish, now);
        caches.set(name, cache);
      }
      return cache as MemoryCache<V>;
    },
    ready: () => subscribed,
    close: () => (closing ??= closeRedis(subscriber)),
  };
}
