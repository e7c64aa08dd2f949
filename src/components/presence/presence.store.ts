import type { AppContext } from '../../context';
import { presenceEntry } from './presence.rules';

/**
 * Redis layout of presence:
 * - `presence:<groupId>` → ZSET of `socketId|userId` scored by expiry (ms); each node
 *   refreshes its own sockets' entries, so a killed node's entries simply expire;
 * - `presence:groups` → SET of group ids that have entries (what the sweepers visit).
 * Every change that decides "first socket in" / "last socket out" is one Lua script, so
 * two nodes never both announce the same transition.
 */
const LIVE_OF_USER = `
local function hasLive(key, now, suffix, except)
  local live = redis.call('ZRANGEBYSCORE', key, '(' .. now, '+inf')
  for _, m in ipairs(live) do
    if m ~= except and string.sub(m, -#suffix) == suffix then return true end
  end
  return false
end
`;

/** KEYS: zset, groups set. ARGV: entry, expiry, now, '|userId', groupId. → 1 when the user was offline. */
const JOIN = `${LIVE_OF_USER}
local had = hasLive(KEYS[1], ARGV[3], ARGV[4], '')
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[5])
if had then return 0 end
return 1`;

/** KEYS: zset. ARGV: entry, now, '|userId'. → 1 when that was the user's last live entry. */
const LEAVE = `${LIVE_OF_USER}
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
if hasLive(KEYS[1], ARGV[2], ARGV[3], '') then return 0 end
return 1`;

/** KEYS: zset, groups set. ARGV: now, groupId. → { expired entries, live entries }. */
const SWEEP = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if #expired > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1]) end
local live = redis.call('ZRANGE', KEYS[1], 0, -1)
if #live == 0 then redis.call('SREM', KEYS[2], ARGV[2]) end
return { expired, live }`;

/** KEYS: zset. ARGV: now, '|userId'. → 1 when the user had a live entry (now all removed). */
const REMOVE_USER = `
local all = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local wasLive = 0
for i = 1, #all, 2 do
  local m = all[i]
  if string.sub(m, -#ARGV[2]) == ARGV[2] then
    if tonumber(all[i + 1]) > tonumber(ARGV[1]) then wasLive = 1 end
    redis.call('ZREM', KEYS[1], m)
  end
end
return wasLive`;

const groupKey = (ctx: AppContext, groupId: number): string => ctx.key('presence', groupId);
const groupsKey = (ctx: AppContext): string => ctx.key('presence', 'groups');
const expiry = (ctx: AppContext, now: number): number => now + ctx.config.presenceTtlSeconds * 1000;

export async function addEntry(ctx: AppContext, groupId: number, socketId: string, userId: string, now = Date.now()): Promise<boolean> {
  const first = await ctx.redis.eval(
    JOIN,
    2,
    groupKey(ctx, groupId),
    groupsKey(ctx),
    presenceEntry(socketId, userId),
    expiry(ctx, now),
    now,
    `|${userId}`,
    groupId,
  );
  return first === 1;
}

export async function removeEntry(ctx: AppContext, groupId: number, socketId: string, userId: string, now = Date.now()): Promise<boolean> {
  const last = await ctx.redis.eval(LEAVE, 1, groupKey(ctx, groupId), presenceEntry(socketId, userId), now, `|${userId}`);
  return last === 1;
}

export async function removeUserEntries(ctx: AppContext, groupId: number, userId: string, now = Date.now()): Promise<boolean> {
  return (await ctx.redis.eval(REMOVE_USER, 1, groupKey(ctx, groupId), now, `|${userId}`)) === 1;
}

export async function dropGroup(ctx: AppContext, groupId: number): Promise<void> {
  await ctx.redis.multi().del(groupKey(ctx, groupId)).srem(groupsKey(ctx), String(groupId)).exec();
}

/**
 * Refreshes entries that still exist (XX: never resurrects one removed meanwhile) and
 * returns the ones that were missing (swept while Redis or this node was stalled).
 */
export async function refreshEntries<E extends { groupId: number; socketId: string; userId: string }>(
  ctx: AppContext,
  entries: E[],
  now = Date.now(),
): Promise<E[]> {
  if (entries.length === 0) return [];
  const pipeline = ctx.redis.pipeline();
  for (const e of entries) pipeline.zadd(groupKey(ctx, e.groupId), 'XX', 'CH', expiry(ctx, now), presenceEntry(e.socketId, e.userId));
  const results = (await pipeline.exec()) ?? [];
  // CH counts a changed score; the expiry always moves forward, so 0 means "not there".
  return entries.filter((_, i) => results[i]?.[0] === null && results[i]?.[1] === 0);
}

export async function sweepGroup(ctx: AppContext, groupId: number, now = Date.now()): Promise<{ expired: string[]; live: string[] }> {
  const [expired, live] = (await ctx.redis.eval(SWEEP, 2, groupKey(ctx, groupId), groupsKey(ctx), now, groupId)) as [string[], string[]];
  return { expired, live };
}

export async function groupsWithPresence(ctx: AppContext): Promise<number[]> {
  return (await ctx.redis.smembers(groupsKey(ctx))).map(Number).filter((id) => Number.isInteger(id) && id > 0);
}

/** User ids with a live entry in the group. */
export async function onlineUsers(ctx: AppContext, groupId: number, now = Date.now()): Promise<Set<string>> {
  const live = await ctx.redis.zrangebyscore(groupKey(ctx, groupId), `(${now}`, '+inf');
  return new Set(live.map((entry) => entry.slice(entry.indexOf('|') + 1)));
}
