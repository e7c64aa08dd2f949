import type { AppContext } from '../../context';
import { perSlice, redisScript } from '../../lib/redis-script';

/**
 * Redis layout of the AFK guard (issue 15): who still has a connected socket, on any node.
 * - `user-sockets:<userId>` → ZSET of socketId scored by expiry (ms); each node refreshes
 *   its own sockets' entries, so a killed node's entries simply expire;
 * - `user-live` → ZSET of userId scored by the latest expiry of their sockets (ZADD GT):
 *   users whose score is past had their node die under them (the sweep's index);
 * - `timer-afk` → ZSET of userId scored by the instant their last socket went away, for
 *   users with a socket-started timer; the sweep stops those older than AFK_GRACE_SECONDS.
 * Connect, disconnect and expiry are single Lua scripts, so "last socket out" is decided
 * once, and a socket that comes back takes the user out of `timer-afk` atomically.
 */

/** KEYS: user-sockets, user-live, timer-afk. ARGV: socketId, expiry, userId. */
const CONNECT = redisScript(
  'afkConnect',
  3,
  `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], 'GT', ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[3])
redis.call('ZREM', KEYS[3], ARGV[3])
return 1`,
);

/**
 * The user's last live socket is gone (by disconnect or by expiry): when their running
 * timer was started over a socket, they enter `timer-afk` at `at` (NX: the first
 * instant stays). KEYS: user-sockets, user-live, timer-afk, timer. ARGV: now, userId, at.
 */
const GONE_IF_LAST_LUA = `
local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf')
if #live > 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
local timer = redis.call('GET', KEYS[4])
if timer and cjson.decode(timer).origin == 'socket' then
  redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[2])
  return 1
end
return 0`;
const GONE_IF_LAST = redisScript('afkGoneIfLast', 4, GONE_IF_LAST_LUA);

const DISCONNECT = redisScript(
  'afkDisconnect',
  4,
  `
redis.call('ZREM', KEYS[1], ARGV[4])
${GONE_IF_LAST_LUA}`,
);

const socketsKey = (ctx: AppContext, userId: string): string => ctx.key('user-sockets', userId);
const liveKey = (ctx: AppContext): string => ctx.key('user-live');
const afkKey = (ctx: AppContext): string => ctx.key('timer-afk');
const timerKey = (ctx: AppContext, userId: string): string => ctx.key('timer', userId);
const ttlMs = (ctx: AppContext): number => ctx.config.presenceTtlSeconds * 1000;

export async function socketConnected(ctx: AppContext, userId: string, socketId: string, now = Date.now()): Promise<void> {
  await CONNECT.run(ctx.redis, socketsKey(ctx, userId), liveKey(ctx), afkKey(ctx), socketId, now + ttlMs(ctx), userId);
}

/** A socket left: true when it was the user's last one and their socket-started timer now awaits the grace. */
export async function socketDisconnected(ctx: AppContext, userId: string, socketId: string, now = Date.now()): Promise<boolean> {
  const keys = [socketsKey(ctx, userId), liveKey(ctx), afkKey(ctx), timerKey(ctx, userId)];
  return (await DISCONNECT.run(ctx.redis, ...keys, now, userId, now, socketId)) === 1;
}

/** KEYS: live set, then users' socket sets. ARGV: expiry, then socket id and user id per socket set. */
const REFRESH = redisScript(
  'afkRefresh',
  null,
  `
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], 'XX', ARGV[1], ARGV[2 * i - 2])
  redis.call('PEXPIREAT', KEYS[i], ARGV[1])
  redis.call('ZADD', KEYS[1], 'XX', 'GT', ARGV[1], ARGV[2 * i - 1])
end
return #KEYS - 1`,
);

/** Keeps this node's sockets alive (XX: never resurrects one removed meanwhile). */
export async function refreshSockets(ctx: AppContext, sockets: Array<{ userId: string; socketId: string }>, now = Date.now()): Promise<void> {
  const expiry = now + ttlMs(ctx);
  await perSlice(sockets, (slice) =>
    REFRESH.runWithKeys(ctx.redis, [liveKey(ctx), ...slice.map((s) => socketsKey(ctx, s.userId))], [expiry, ...slice.flatMap((s) => [s.socketId, s.userId])]),
  );
}

/**
 * Users whose every socket expired (their node died): each goes through GONE_IF_LAST
 * with the instant their sockets were last known alive (expiry − TTL). Returns how many
 * entered `timer-afk`.
 */
export async function expireDeadSockets(ctx: AppContext, now = Date.now(), limit = 500): Promise<number> {
  const entries = await ctx.redis.zrangebyscore(liveKey(ctx), '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit);
  let entered = 0;
  for (let i = 0; i + 1 < entries.length; i += 2) {
    const userId = entries[i] as string;
    const lastAlive = Number(entries[i + 1]) - ttlMs(ctx);
    const keys = [socketsKey(ctx, userId), liveKey(ctx), afkKey(ctx), timerKey(ctx, userId)];
    if ((await GONE_IF_LAST.run(ctx.redis, ...keys, now, userId, lastAlive)) === 1) entered += 1;
  }
  return entered;
}

/** Users whose last socket went away at or before `before` (ms), with that instant. */
export async function awayBefore(ctx: AppContext, before: number, limit = 500): Promise<Array<{ userId: string; goneAt: number }>> {
  const entries = await ctx.redis.zrangebyscore(afkKey(ctx), '-inf', before, 'WITHSCORES', 'LIMIT', 0, limit);
  const out: Array<{ userId: string; goneAt: number }> = [];
  for (let i = 0; i + 1 < entries.length; i += 2) out.push({ userId: entries[i] as string, goneAt: Number(entries[i + 1]) });
  return out;
}

/** Has the user a live socket on any node? */
export async function hasLiveSocket(ctx: AppContext, userId: string, now = Date.now()): Promise<boolean> {
  return (await ctx.redis.zcount(socketsKey(ctx, userId), `(${now}`, '+inf')) > 0;
}

const CLEAR_AWAY = redisScript(
  'afkClearAway',
  1,
  `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0`,
);

/** Takes the user out of `timer-afk` if they are still there with `goneAt` (not a newer departure). */
export async function clearAway(ctx: AppContext, userId: string, goneAt: number): Promise<void> {
  await CLEAR_AWAY.run(ctx.redis, afkKey(ctx), userId, String(goneAt));
}
