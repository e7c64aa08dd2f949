import type { ChainableCommander, Redis } from 'ioredis';

/** A Lua script run by its SHA1 (EVALSHA), the text sent only when Redis does not have it yet. */
export interface RedisScript {
  /** Runs the script with its keys first, then its arguments. */
  run(redis: Redis, ...keysAndArgs: Array<string | number>): Promise<unknown>;
  /** Runs a script made with `numberOfKeys` null: any number of keys, then its arguments. */
  runWithKeys(redis: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown>;
  /** Queues it on a pipeline made by `scriptPipeline` with this script. */
  queue(pipeline: ChainableCommander, ...keysAndArgs: Array<string | number>): void;
  /** Defines it on the client (once): a pipeline made afterwards can queue it. */
  define(redis: Redis): void;
}

type Commands = Record<string, (...a: Array<string | number>) => Promise<unknown>>;

/**
 * A script defined once per client with ioredis' `defineCommand`, which sends EVALSHA and
 * falls back to EVAL on NOSCRIPT (a restarted or flushed Redis): the source is not sent,
 * hashed and parsed by Redis on every call as with `eval` (on the socket hot paths that
 * was most of the bytes written to Redis; docs/PERFORMANCE.md). `name` must be unique
 * among a client's commands. `numberOfKeys` null: the caller gives the keys (`runWithKeys`).
 */
export function redisScript(name: string, numberOfKeys: number | null, lua: string): RedisScript {
  const defined = new WeakSet<Redis>();
  const script: RedisScript = {
    define(redis) {
      if (defined.has(redis)) return;
      redis.defineCommand(name, numberOfKeys === null ? { lua } : { numberOfKeys, lua });
      defined.add(redis);
    },
    run(redis, ...keysAndArgs) {
      script.define(redis);
      return (redis as unknown as Commands)[name](...keysAndArgs);
    },
    runWithKeys(redis, keys, args) {
      if (numberOfKeys !== null) throw new Error(`redis script ${name} takes ${numberOfKeys} keys: use run`);
      return script.run(redis, keys.length, ...keys, ...args);
    },
    queue(pipeline, ...keysAndArgs) {
      const command = (pipeline as unknown as Partial<Commands>)[name];
      if (!command) throw new Error(`redis script ${name} queued on a pipeline made before it was defined`);
      void command.call(pipeline, ...keysAndArgs);
    },
  };
  return script;
}

/** Items per script call of a bulk upkeep: 10,000 sockets are 20 calls, not 10,000 commands (docs/PERFORMANCE.md, sixth pass). */
export const SCRIPT_SLICE = 500;

/** `call` once per slice of `SCRIPT_SLICE` items, all sent at once → the results, in order. */
export function perSlice<T, R>(items: readonly T[], call: (slice: T[]) => Promise<R>): Promise<R[]> {
  const calls: Array<Promise<R>> = [];
  for (let i = 0; i < items.length; i += SCRIPT_SLICE) calls.push(call(items.slice(i, i + SCRIPT_SLICE)));
  return Promise.all(calls);
}

/** A pipeline that can queue these scripts (ioredis copies a client's scripts into a pipeline when it is made). */
export function scriptPipeline(redis: Redis, ...scripts: RedisScript[]): ChainableCommander {
  for (const script of scripts) script.define(redis);
  return redis.pipeline();
}

/**
 * One read command that can ride in another call's pipeline (one round trip instead of
 * two): what it queues, and how its reply is read.
 */
export interface RedisRead<T> {
  queue(pipeline: ChainableCommander): void;
  parse(reply: unknown): T;
}

/** The reply of a pipeline's `index`th command; throws its error. */
export function pipelineReply(results: Array<[Error | null, unknown]> | null, index: number): unknown {
  const [error, reply] = results?.[index] ?? [new Error(`no reply to pipelined command ${index}`), undefined];
  if (error) throw error;
  return reply;
}
