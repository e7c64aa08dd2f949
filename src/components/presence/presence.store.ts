import type { AppContext } from '../../context';
import { perSlice, pipelineReply, type RedisRead, redisScript, scriptPipeline } from '../../lib/redis-script';
import { presenceEntry } from './presence.rules';

/**
 * Redis layout of presence:
 * - `presence:<groupId>` → ZSET of `socketId|userId` scored by expiry (ms); each node
 *   refreshes its own sockets' entries, so a killed node's entries simply expire;
 * - `presence:<groupId>:users` → HASH userId → how many entries of the user the ZSET
 *   holds (so "first socket in" / "last socket out" is one HINCRBY, not a scan);
 * - `presence:groups` → SET of group ids that have entries (what the sweepers visit);
 * - `presence:dirty` → HASH `groupId|userId` → `1|ms` / `0|ms`: transitions not yet
 *   mirrored in `groupings.is_connected/last_seen` (written behind in batches, by any node).
 * The count moves with the ZSET in the same script, always: an entry counts until it is
 * removed (leave, removal, or the sweep once it expired), so a user whose dead node's
 * entry has expired but not been swept yet, and who re-joins through another node, is
 * not announced online a second time, nor offline twice. Every change that decides a
 * transition is one script (loaded once: EVALSHA), so two nodes never both announce it.
 */

/**
 * Every script that decides a transition also numbers it (`presence:<groupId>:seq`, one
 * INCR): the order Redis decided them in. A node hands transitions to the room in that
 * order even when their replies are handled in another (a sweep's pipeline and a join
 * sent after it answer in one read, and their continuations can run in either order);
 * see realtime/presence-diff.ts.
 */
/** KEYS: zset, counts, groups set, dirty, seq. ARGV: entry, expiry, userId, groupId, now. → the transition's number when the user was offline, else 0. */
const JOIN = redisScript(
  'presenceJoin',
  5,
  `
if redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1]) == 0 then return 0 end
redis.call('SADD', KEYS[3], ARGV[4])
if redis.call('HINCRBY', KEYS[2], ARGV[3], 1) ~= 1 then return 0 end
redis.call('HSET', KEYS[4], ARGV[4] .. '|' .. ARGV[3], '1|' .. ARGV[5])
return redis.call('INCR', KEYS[5])`,
);

/** KEYS: zset, counts, dirty, seq. ARGV: entry, userId, groupId, now. → the transition's number when that was the user's last entry, else 0. */
const LEAVE = redisScript(
  'presenceLeave',
  4,
  `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('HINCRBY', KEYS[2], ARGV[2], -1) > 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[3] .. '|' .. ARGV[2], '0|' .. ARGV[4])
return redis.call('INCR', KEYS[4])`,
);

/** KEYS: zset, counts, groups set, dirty, seq. ARGV: now, groupId. → {the transitions' number, users whose last entry expired…}, or {} when none. */
const SWEEP = redisScript(
  'presenceSweep',
  5,
  `
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local gone = {}
for _, m in ipairs(expired) do
  redis.call('ZREM', KEYS[1], m)
  local user = string.sub(m, string.find(m, '|', 1, true) + 1)
  if redis.call('HINCRBY', KEYS[2], user, -1) <= 0 then
    redis.call('HDEL', KEYS[2], user)
    redis.call('HSET', KEYS[4], ARGV[2] .. '|' .. user, '0|' .. ARGV[1])
    table.insert(gone, user)
  end
end
if redis.call('ZCARD', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[3], ARGV[2])
  redis.call('DEL', KEYS[2])
end
if #gone == 0 then return gone end
table.insert(gone, 1, tostring(redis.call('INCR', KEYS[5])))
return gone`,
);

/** KEYS: zset, counts, dirty, seq. ARGV: '|userId', userId, groupId, now. → the transition's number when the user had an entry (now all removed), else 0. */
const REMOVE_USER = redisScript(
  'presenceRemoveUser',
  4,
  `
local all = redis.call('ZRANGE', KEYS[1], 0, -1)
local had = 0
for _, m in ipairs(all) do
  if string.sub(m, -#ARGV[1]) == ARGV[1] then
    redis.call('ZREM', KEYS[1], m)
    had = 1
  end
end
redis.call('HDEL', KEYS[2], ARGV[2])
if had == 0 then return 0 end
redis.call('HSET', KEYS[3], ARGV[3] .. '|' .. ARGV[2], '0|' .. ARGV[4])
return redis.call('INCR', KEYS[4])`,
);

/** KEYS: dirty. ARGV: field, value, field, value… → drops each field still holding the value read (a newer transition stays). */
const CLEAN = redisScript(
  'presenceClean',
  1,
  `
local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    n = n + 1
  end
end
return n`,
);

const groupKey = (ctx: AppContext, groupId: number): string => ctx.key('presence', groupId);
const countsKey = (ctx: AppContext, groupId: number): string => ctx.key('presence', groupId, 'users');
const seqKey = (ctx: AppContext, groupId: number): string => ctx.key('presence', groupId, 'seq');
const groupsKey = (ctx: AppContext): string => ctx.key('presence', 'groups');
const dirtyKey = (ctx: AppContext): string => ctx.key('presence', 'dirty');
const expiry = (ctx: AppContext, now: number): number => now + ctx.config.presenceTtlSeconds * 1000;

/** A transition decided: its number in the group's order (the order Redis decided them in). 0: no transition. */
export type Transition = number;

/** The JOIN script's keys and arguments for a socket's entry. */
const joinArgs = (ctx: AppContext, groupId: number, socketId: string, userId: string, now: number) =>
  [
    groupKey(ctx, groupId),
    countsKey(ctx, groupId),
    groupsKey(ctx),
    dirtyKey(ctx),
    seqKey(ctx, groupId),
    presenceEntry(socketId, userId),
    expiry(ctx, now),
    userId,
    groupId,
    now,
  ] as const;

/** Adds a socket's entry: a transition (online) when it is the user's first. */
export async function addEntry(ctx: AppContext, groupId: number, socketId: string, userId: string, now = Date.now()): Promise<Transition> {
  return Number(await JOIN.run(ctx.redis, ...joinArgs(ctx, groupId, socketId, userId, now)));
}

/** A join waiting for its batch's pipeline (see `addEntryAndRead`). */
interface PendingJoin {
  groupId: number;
  socketId: string;
  userId: string;
  now: number;
  also: RedisRead<unknown>;
  /** Joins with the same key share one `also` read (the key stands for the read: the member ids). */
  alsoKey: object;
  resolve(result: { transition: Transition; reads: () => { online: Set<string>; also: unknown } }): void;
  reject(error: unknown): void;
}

const pendingJoins = new WeakMap<AppContext, PendingJoin[]>();

/**
 * `addEntry`, then in the same round trip (one pipeline, run by Redis in this order) the
 * group's online users, which include this one, and the reply of `also` (the room state a
 * joining socket is sent). The transition is returned even when a read failed (the
 * caller announces it first); `reads()` then throws that read's error.
 *
 * Joins that arrive together share the round trip: every call made before the current
 * run of callbacks ends (a reply or a batch of frames resumes many joins at once) goes in
 * one pipeline, sent on `process.nextTick` — all the entries first, then one online read
 * per group and one `also` read per `alsoKey` (the members' timers: one MGET of a hundred
 * keys instead of one per join). Every read is sent after every batched
 * socket's entry and room join, so no join misses a change it would have read alone.
 */
export function addEntryAndRead<T>(
  ctx: AppContext,
  groupId: number,
  socketId: string,
  userId: string,
  also: RedisRead<T>,
  alsoKey: object,
  now = Date.now(),
): Promise<{ transition: Transition; reads: () => { online: Set<string>; also: T } }> {
  return new Promise((resolve, reject) => {
    const join: PendingJoin = { groupId, socketId, userId, now, also, alsoKey, resolve: resolve as PendingJoin['resolve'], reject };
    const batch = pendingJoins.get(ctx);
    if (batch) {
      batch.push(join);
      return;
    }
    const joins = [join];
    pendingJoins.set(ctx, joins);
    process.nextTick(() => {
      pendingJoins.delete(ctx);
      // A failure before the replies fails every join of the batch (settled ones ignore it).
      sendJoins(ctx, joins).catch((error: unknown) => {
        for (const j of joins) j.reject(error);
      });
    });
  });
}

async function sendJoins(ctx: AppContext, joins: PendingJoin[]): Promise<void> {
  const pipeline = scriptPipeline(ctx.redis, JOIN);
  for (const j of joins) JOIN.queue(pipeline, ...joinArgs(ctx, j.groupId, j.socketId, j.userId, j.now));
  // Per join: the pipeline index of its group's online read and of its `also` read
  // (joins with the same key share one: the key names the read, e.g. the member list).
  const onlineAt = new Map<number, number>();
  const alsoAt = new Map<object, number>();
  let index = joins.length;
  const queued = joins.map((join) => {
    let online = onlineAt.get(join.groupId);
    if (online === undefined) {
      pipeline.hkeys(countsKey(ctx, join.groupId));
      online = index++;
      onlineAt.set(join.groupId, online);
    }
    let also = alsoAt.get(join.alsoKey);
    if (also === undefined) {
      join.also.queue(pipeline);
      also = index++;
      alsoAt.set(join.alsoKey, also);
    }
    return { join, online, also };
  });
  const results = await pipeline.exec();
  // Each read parsed once for the joins that share it.
  const parsed = new Map<number, unknown>();
  const read = (at: number, parse: (reply: unknown) => unknown): unknown => {
    if (!parsed.has(at)) parsed.set(at, parse(pipelineReply(results, at)));
    return parsed.get(at);
  };
  queued.forEach(({ join, online, also }, i) => {
    let transition: Transition;
    try {
      transition = Number(pipelineReply(results, i));
    } catch (error) {
      join.reject(error);
      return;
    }
    join.resolve({
      transition,
      reads: () => {
        const users = new Set(read(online, (reply) => reply) as string[]);
        // Also when a NOSCRIPT retry of the join ran after the read (a flushed script cache).
        users.add(join.userId);
        return { online: users, also: read(also, (reply) => join.also.parse(reply)) };
      },
    });
  });
}

/** Removes a socket's entry: a transition (offline) when it was the user's last. */
export async function removeEntry(ctx: AppContext, groupId: number, socketId: string, userId: string, now = Date.now()): Promise<Transition> {
  return Number(
    await LEAVE.run(
      ctx.redis,
      groupKey(ctx, groupId),
      countsKey(ctx, groupId),
      dirtyKey(ctx),
      seqKey(ctx, groupId),
      presenceEntry(socketId, userId),
      userId,
      groupId,
      now,
    ),
  );
}

/** Removes every entry of the user: a transition (offline) when they had one. */
export async function removeUserEntries(ctx: AppContext, groupId: number, userId: string, now = Date.now()): Promise<Transition> {
  return Number(
    await REMOVE_USER.run(ctx.redis, groupKey(ctx, groupId), countsKey(ctx, groupId), dirtyKey(ctx), seqKey(ctx, groupId), `|${userId}`, userId, groupId, now),
  );
}

export async function dropGroup(ctx: AppContext, groupId: number): Promise<void> {
  await ctx.redis.multi().del(groupKey(ctx, groupId), countsKey(ctx, groupId), seqKey(ctx, groupId)).srem(groupsKey(ctx), String(groupId)).exec();
}

/**
 * KEYS: group zsets. ARGV: expiry, then per key its entry count and entries. Moves each
 * entry's expiry forward if it is still there (XX) → the missing ones, as key index and
 * entry pairs (CH counts a changed score; the expiry always moves forward, so 0 means
 * "not there").
 */
const REFRESH = redisScript(
  'presenceRefresh',
  null,
  `
local missing = {}
local a = 2
for k = 1, #KEYS do
  local n = tonumber(ARGV[a])
  a = a + 1
  for j = 1, n do
    if redis.call('ZADD', KEYS[k], 'XX', 'CH', ARGV[1], ARGV[a]) == 0 then
      missing[#missing + 1] = k
      missing[#missing + 1] = ARGV[a]
    end
    a = a + 1
  end
end
return missing`,
);

/**
 * Refreshes entries that still exist (XX: never resurrects one removed meanwhile) and
 * returns the ones that were missing (swept while Redis or this node was stalled).
 */
export async function refreshEntries<E extends { groupId: number; socketId: string; userId: string }>(
  ctx: AppContext,
  entries: E[],
  now = Date.now(),
): Promise<E[]> {
  return (await perSlice(entries, (slice) => refreshSlice(ctx, slice, now))).flat();
}

async function refreshSlice<E extends { groupId: number; socketId: string; userId: string }>(ctx: AppContext, entries: E[], now: number): Promise<E[]> {
  const byGroup = new Map<number, Map<string, E>>();
  for (const e of entries) {
    let members = byGroup.get(e.groupId);
    if (!members) {
      members = new Map();
      byGroup.set(e.groupId, members);
    }
    members.set(presenceEntry(e.socketId, e.userId), e);
  }
  const groups = [...byGroup.entries()];
  const args: Array<string | number> = [expiry(ctx, now)];
  for (const [, members] of groups) args.push(members.size, ...members.keys());
  const keys = groups.map(([groupId]) => groupKey(ctx, groupId));
  const reply = (await REFRESH.runWithKeys(ctx.redis, keys, args)) as Array<number | string>;
  const missing: E[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const e = groups[Number(reply[i]) - 1]?.[1].get(String(reply[i + 1]));
    if (e) missing.push(e);
  }
  return missing;
}

/** Sweeps every group with presence in one round trip: per group, the users whose last entry expired (one transition). */
export async function sweepGroups(ctx: AppContext, groupIds: number[], now = Date.now()): Promise<Map<number, { transition: Transition; users: string[] }>> {
  const gone = new Map<number, { transition: Transition; users: string[] }>();
  if (groupIds.length === 0) return gone;
  const pipeline = scriptPipeline(ctx.redis, SWEEP);
  for (const groupId of groupIds)
    SWEEP.queue(pipeline, groupKey(ctx, groupId), countsKey(ctx, groupId), groupsKey(ctx), dirtyKey(ctx), seqKey(ctx, groupId), now, groupId);
  const results = (await pipeline.exec()) ?? [];
  groupIds.forEach((groupId, i) => {
    const [error, reply] = results[i] ?? [];
    if (error) throw error;
    if (Array.isArray(reply) && reply.length > 1) {
      const [transition, ...users] = reply as string[];
      gone.set(groupId, { transition: Number(transition), users });
    }
  });
  return gone;
}

export async function groupsWithPresence(ctx: AppContext): Promise<number[]> {
  return (await ctx.redis.smembers(groupsKey(ctx))).map(Number).filter((id) => Number.isInteger(id) && id > 0);
}

/** A presence transition waiting to be mirrored in `groupings`. */
export interface DirtyPresence {
  groupId: number;
  userId: string;
  online: boolean;
  at: Date;
  /** The hash field and value read (to drop exactly these once written). */
  field: string;
  value: string;
}

/** Up to `limit` pending transitions (any node's). */
export async function readDirty(ctx: AppContext, limit: number): Promise<DirtyPresence[]> {
  const [, flat] = await ctx.redis.hscan(dirtyKey(ctx), 0, 'COUNT', limit);
  const out: DirtyPresence[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i] ?? '';
    const value = flat[i + 1] ?? '';
    const bar = field.indexOf('|');
    const [flag, ms] = value.split('|');
    const groupId = Number(field.slice(0, bar));
    const at = new Date(Number(ms));
    if (!Number.isInteger(groupId) || Number.isNaN(at.getTime())) continue;
    out.push({ groupId, userId: field.slice(bar + 1), online: flag === '1', at, field, value });
  }
  return out;
}

/** Drops the transitions written (unless a newer one replaced them meanwhile). */
export async function clearDirty(ctx: AppContext, written: DirtyPresence[]): Promise<void> {
  if (written.length === 0) return;
  await CLEAN.run(ctx.redis, dirtyKey(ctx), ...written.flatMap((d) => [d.field, d.value]));
}
