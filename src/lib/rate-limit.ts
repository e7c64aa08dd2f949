import { Counter, type Registry } from 'prom-client';
import type { Config } from './config';
import type { InfraContext } from './context';
import { AppError } from './errors';
import { redisScript } from './redis-script';

/**
 * Per-user rate limits in Redis, shared by every node. Each limit is a token bucket
 * (`capacity` tokens, refilled continuously at `perMs`), so a short burst is allowed and
 * the sustained rate is bounded; Redis' own clock (`TIME`) is the clock, so nodes with
 * skewed clocks agree. Key: `rate:<limit>:<subject>` → HASH `{tokens, at}`, expiring once
 * the bucket would be full again. (The chat limit is a fixed window instead: `CountWindow`.)
 */
const TAKE_LUA = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)`;

const TAKE = redisScript('rateLimitTake', 1, `${TAKE_LUA}\nreturn wait`);

/** One more in a fixed-window counter (`key`, expiring `windowMs` after its first count): `n` is the count. */
const countLua = (key: string, windowMs: string): string => `
local n = redis.call('INCR', ${key})
if n == 1 then redis.call('PEXPIRE', ${key}, ${windowMs}) end`;

/** KEYS: the window's counter. ARGV: window ms. Returns `{count, ttlMs}`. */
const COUNT = redisScript('rateLimitCount', 1, `${countLua('KEYS[1]', 'ARGV[1]')}\nreturn {n, redis.call('PTTL', KEYS[1])}`);

/**
 * TAKE, then — only when the token was granted — one more in a fixed-window counter
 * (KEYS[2], ARGV[3] ms): both limits of one event in one round trip. Returns
 * `{wait, count, ttlMs}` (count and ttl 0 when refused by the bucket).
 */
const TAKE_AND_COUNT = redisScript(
  'rateLimitTakeAndCount',
  2,
  `${TAKE_LUA}
if wait > 0 then return {wait, 0, 0} end${countLua('KEYS[2]', 'ARGV[3]')}
return {0, n, redis.call('PTTL', KEYS[2])}`,
);

export interface BucketLimit {
  /** The burst: how many may be spent at once. */
  capacity: number;
  /** Refill rate in tokens per millisecond. */
  perMs: number;
}

export const perMinute = (capacity: number, rate: number): BucketLimit => ({ capacity, perMs: rate / 60_000 });
export const perHour = (capacity: number, rate: number): BucketLimit => ({ capacity, perMs: rate / 3_600_000 });

export type LimitName = 'writes' | 'typing' | 'chat' | 'invitations_inviter' | 'invitations_invitee' | 'user_search' | 'sockets';

/** The limits of a deployment (config.ts; README and docs/CONFIGURATION.md explain the defaults). */
export function limitsOf(config: Config): Record<'writes' | 'typing' | 'invitationsInviter' | 'invitationsInvitee' | 'userSearch', BucketLimit> {
  return {
    writes: perMinute(config.writeRateBurst, config.writeRatePerMinute),
    typing: perMinute(config.typingRateBurst, config.typingRatePerMinute),
    invitationsInviter: perHour(config.invitationsPerHourPerInviter, config.invitationsPerHourPerInviter),
    invitationsInvitee: perHour(config.invitationsPerHourPerInvitee, config.invitationsPerHourPerInvitee),
    userSearch: perMinute(config.userSearchRateBurst, config.userSearchRatePerMinute),
  };
}

/** A RATE_LIMITED error that knows when to try again (REST sends it as `Retry-After`). */
export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('RATE_LIMITED', message);
  }
}

const counters = new WeakMap<Registry, Counter<'limit'>>();

/** `studysync_rate_limited_total{limit}`: requests, events and handshakes refused by a limit. */
export function rateLimitedCounter(registry: Registry): Counter<'limit'> {
  let counter = counters.get(registry);
  if (!counter) {
    counter = new Counter({
      name: 'studysync_rate_limited_total',
      help: 'Requests, socket events and handshakes refused by a rate limit, by limit',
      labelNames: ['limit'],
      registers: [registry],
    });
    counters.set(registry, counter);
  }
  return counter;
}

/** What the writes limit's refusal says there were too many of. */
const WRITES = 'changes in a short time';

/** Takes one token: 0 when allowed, else the ms until one is available. */
export async function takeToken(ctx: InfraContext, name: LimitName, subject: string, limit: BucketLimit): Promise<number> {
  return (await TAKE.run(ctx.redis, ctx.key('rate', name, subject), limit.capacity, limit.perMs)) as number;
}

/** Takes one token or throws RATE_LIMITED (counted in /metrics). */
export async function enforce(ctx: InfraContext, name: LimitName, subject: string, limit: BucketLimit, what: string): Promise<void> {
  refuseIfWaiting(ctx, name, await takeToken(ctx, name, subject, limit), what);
}

function refuseIfWaiting(ctx: InfraContext, name: LimitName, waitMs: number, what: string): void {
  if (waitMs <= 0) return;
  rateLimitedCounter(ctx.metrics).inc({ limit: name });
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  throw new RateLimitedError(`Too many ${what}; try again in ${seconds} s`, seconds);
}

/**
 * A fixed-window counter shared by every node (Redis key `key`, `max` per `windowMs`),
 * counted alone (`enforceWindow`) or after a bucket's token (`enforceWriteLimitAndWindow`).
 */
export interface CountWindow {
  name: LimitName;
  key: string;
  windowMs: number;
  max: number;
  /** The refusal's message. */
  message: string;
}

/** The count of one more in the window: RATE_LIMITED (counted in /metrics) past its max. */
function refuseOverWindow(ctx: InfraContext, window: CountWindow, count: number, ttlMs: number): void {
  if (count <= window.max) return;
  rateLimitedCounter(ctx.metrics).inc({ limit: window.name });
  throw new RateLimitedError(window.message, Math.max(1, Math.ceil(ttlMs / 1000)));
}

/** Counts one more in `window`; RATE_LIMITED past its max. */
export async function enforceWindow(ctx: InfraContext, window: CountWindow): Promise<void> {
  const [count, ttlMs] = (await COUNT.run(ctx.redis, window.key, window.windowMs)) as [number, number];
  refuseOverWindow(ctx, window, count, ttlMs);
}

/**
 * The write token, then (only when it was granted) one more in `window`: one Redis round
 * trip for an event under both limits (`chat:send`: the writes bucket and the chat
 * window). Refused by the bucket, the window is not counted, as when they ran one after
 * the other.
 */
export async function enforceWriteLimitAndWindow(ctx: InfraContext, userId: string, window: CountWindow): Promise<void> {
  const limit = limitsOf(ctx.config).writes;
  const [waitMs, count, ttlMs] = (await TAKE_AND_COUNT.run(
    ctx.redis,
    ctx.key('rate', 'writes', userId),
    window.key,
    limit.capacity,
    limit.perMs,
    window.windowMs,
  )) as [number, number, number];
  refuseIfWaiting(ctx, 'writes', waitMs, WRITES);
  refuseOverWindow(ctx, window, count, ttlMs);
}

/** The per-user write limit (REST mutating routes and socket write events, across all nodes). */
export const enforceWriteLimit = (ctx: InfraContext, userId: string): Promise<void> => enforce(ctx, 'writes', userId, limitsOf(ctx.config).writes, WRITES);

export const enforceTypingLimit = (ctx: InfraContext, userId: string): Promise<void> =>
  enforce(ctx, 'typing', userId, limitsOf(ctx.config).typing, 'typing notices');
