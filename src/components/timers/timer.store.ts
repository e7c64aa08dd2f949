import type { AppContext } from '../../context';
import { parsePendingStop, parseStoredTimer, type PendingStop, type StoredTimer } from './timer.rules';
import { type RedisRead, redisScript } from '../../lib/redis-script';

/**
 * Redis layout of timers. A user's timer is in exactly one of
 * three places at every instant: running here, pending here, or handed to its persist
 * job (queued/stored).
 * - `timer:<userId>` → JSON `{startedAt, groupId, sessionUuid, mode, subject, pomodoro,
 *   minuteMs, pausedMs, pausedAt, origin}`, no expiry (a timer
 *   survives reconnects and node restarts; the stale-timer job stops old ones);
 * - `timers` → ZSET of userId scored by startedAt in ms (for that sweep);
 * - `timer-phase:<sessionUuid>` → the last announced Pomodoro phase index (3 days);
 * - `timer-stop:<userId>` → JSON `{stoppedAt, notes, capSeconds, endReason, timer}`: a stop whose
 *   persist job is not yet known to be queued (the "pending stop"), no expiry;
 * - `timer-stops` → ZSET of userId scored by the ms the stop was recorded (for the
 *   recovery sweep that turns old pending stops into their jobs).
 * Start, stop and the clearing of a pending stop are single Lua scripts. The stop moves
 * the running timer into the pending record in the same step as deleting it, so no
 * crash between two lines can lose it. A user has at most one pending stop: a start or
 * a stop that finds one finishes its hand-over first (`PENDING` below).
 */
const START = redisScript(
  'timerStart',
  3,
  `
if redis.call('EXISTS', KEYS[3]) == 1 then return 2 end
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0`,
);

const STOP = redisScript(
  'timerStop',
  4,
  `
if redis.call('EXISTS', KEYS[3]) == 1 then return {2} end
local value = redis.call('GET', KEYS[1])
if not value then return {0} end
if ARGV[4] ~= '' and cjson.decode(value).sessionUuid ~= ARGV[4] then return {0} end
local record = ARGV[2] .. value .. '}'
redis.call('SET', KEYS[3], record)
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return {1, record}`,
);

/** Replaces the running timer only if it is still exactly the one read (compare and set). */
const UPDATE = redisScript(
  'timerUpdate',
  1,
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0`,
);

/**
 * Moves the last announced Pomodoro phase of a timer forward (never back): 1 when this
 * caller is the one that advanced it, so each phase change is announced exactly once
 * however many jobs or nodes race on it.
 */
const ADVANCE_PHASE = redisScript(
  'timerAdvancePhase',
  1,
  `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) <= current then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`,
);

/** Deletes the pending stop only if it is still the one handed over (compare and delete). */
const CLEAR = redisScript(
  'timerClear',
  2,
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[2])
  return 1
end
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[2]) end
return 0`,
);

const timerKey = (ctx: AppContext, userId: string): string => ctx.key('timer', userId);
const timersKey = (ctx: AppContext): string => ctx.key('timers');
const stopKey = (ctx: AppContext, userId: string): string => ctx.key('timer-stop', userId);
const stopsKey = (ctx: AppContext): string => ctx.key('timer-stops');
const phaseKey = (ctx: AppContext, sessionUuid: string): string => ctx.key('timer-phase', sessionUuid);

export type PutResult = 'stored' | 'running' | 'pending';

/** Stores the timer unless one runs (`running`) or a stop of the user is pending (`pending`). */
export async function putTimerIfAbsent(ctx: AppContext, userId: string, timer: StoredTimer): Promise<PutResult> {
  const result = await START.run(
    ctx.redis,
    timerKey(ctx, userId),
    timersKey(ctx),
    stopKey(ctx, userId),
    JSON.stringify(timer),
    Date.parse(timer.startedAt),
    userId,
  );
  return result === 1 ? 'stored' : result === 2 ? 'pending' : 'running';
}

/** A pending stop as stored (its exact text is the key of the compare-and-delete). */
export interface PendingRecord {
  raw: string;
  stop: PendingStop | null;
}

export type TakeResult = { kind: 'none' } | { kind: 'pending' } | { kind: 'taken'; record: PendingRecord };

/**
 * Atomically moves the running timer into the user's pending-stop record, with the stop
 * instant, the notes and the cap: `taken` with that record, `none` when no timer runs
 * (or, with `onlySessionUuid`, when the running one is another),
 * `pending` when an earlier stop of the user is still pending (nothing changed).
 */
export async function takeTimer(
  ctx: AppContext,
  userId: string,
  stop: { stoppedAt: Date; notes: string | null; capSeconds: number | null; endReason?: string | null; onlySessionUuid?: string },
): Promise<TakeResult> {
  const head = `{"stoppedAt":${JSON.stringify(stop.stoppedAt.toISOString())},"notes":${JSON.stringify(stop.notes)},"capSeconds":${JSON.stringify(stop.capSeconds)},"endReason":${JSON.stringify(stop.endReason ?? null)},"timer":`;
  const result = (await STOP.run(
    ctx.redis,
    timerKey(ctx, userId),
    timersKey(ctx),
    stopKey(ctx, userId),
    stopsKey(ctx),
    userId,
    head,
    Date.now(),
    stop.onlySessionUuid ?? '',
  )) as [number, string?];
  if (result[0] === 2) return { kind: 'pending' };
  if (result[0] !== 1 || typeof result[1] !== 'string') return { kind: 'none' };
  return { kind: 'taken', record: { raw: result[1], stop: parsePendingStop(result[1]) } };
}

export async function readPendingStop(ctx: AppContext, userId: string): Promise<PendingRecord | null> {
  const raw = await ctx.redis.get(stopKey(ctx, userId));
  return raw === null ? null : { raw, stop: parsePendingStop(raw) };
}

/** Removes the pending stop once its job is known to be queued (no-op when it changed meanwhile). */
export async function clearPendingStop(ctx: AppContext, userId: string, record: PendingRecord): Promise<boolean> {
  return (await CLEAR.run(ctx.redis, stopKey(ctx, userId), stopsKey(ctx), record.raw, userId)) === 1;
}

/** Users whose stop has been pending since before `before` (ms), oldest first. */
export async function pendingStopsBefore(ctx: AppContext, before: number, limit: number): Promise<string[]> {
  return ctx.redis.zrangebyscore(stopsKey(ctx), '-inf', before, 'LIMIT', 0, limit);
}

/** Users whose running timer started at or before `before` (ms), at most `limit` of them, oldest first. */
export async function timersStartedBefore(ctx: AppContext, before: number, limit: number): Promise<string[]> {
  return ctx.redis.zrangebyscore(timersKey(ctx), '-inf', before, 'LIMIT', 0, limit);
}

export async function readTimer(ctx: AppContext, userId: string): Promise<StoredTimer | null> {
  return (await readTimerRaw(ctx, userId))?.timer ?? null;
}

/** The running timer with its exact stored text (the key of a compare-and-set). */
export async function readTimerRaw(ctx: AppContext, userId: string): Promise<{ raw: string; timer: StoredTimer } | null> {
  const raw = await ctx.redis.get(timerKey(ctx, userId));
  const timer = parseStoredTimer(raw);
  return raw !== null && timer ? { raw, timer } : null;
}

/** Replaces the running timer if it is still `raw` (false: it changed or stopped meanwhile). */
export async function replaceTimer(ctx: AppContext, userId: string, raw: string, timer: StoredTimer): Promise<boolean> {
  return (await UPDATE.run(ctx.redis, timerKey(ctx, userId), raw, JSON.stringify(timer))) === 1;
}

/** Records that phase `index` of the timer was announced; true only for the first caller (see ADVANCE_PHASE). */
export async function advancePhase(ctx: AppContext, sessionUuid: string, index: number): Promise<boolean> {
  return (await ADVANCE_PHASE.run(ctx.redis, phaseKey(ctx, sessionUuid), index, 3 * 24 * 3600)) === 1;
}

/**
 * The timer keys of a list of users, built once per list: a room's member list comes from
 * the membership cache as the same array until the roster changes, so a join does not
 * build a hundred key strings again (they were a tenth of what a join allocated).
 */
const keysOfList = new WeakMap<AppContext, WeakMap<readonly string[], string[]>>();

function timerKeys(ctx: AppContext, userIds: readonly string[]): string[] {
  // Per context: the keys carry its deployment prefix.
  let lists = keysOfList.get(ctx);
  if (!lists) {
    lists = new WeakMap();
    keysOfList.set(ctx, lists);
  }
  let keys = lists.get(userIds);
  if (!keys) {
    // MGET needs a key: an empty list reads one that never exists.
    keys = userIds.length > 0 ? userIds.map((id) => timerKey(ctx, id)) : [timerKey(ctx, '')];
    lists.set(userIds, keys);
  }
  return keys;
}

/**
 * Running timers of several users at once (room state), as a read that can share a
 * pipeline. Pass the same array for the same users to reuse their keys (see timerKeys).
 */
export function timersRead(ctx: AppContext, userIds: readonly string[]): RedisRead<Map<string, StoredTimer>> {
  return {
    queue: (pipeline) => pipeline.mget(timerKeys(ctx, userIds)),
    parse: (reply) => {
      const raws = reply as Array<string | null>;
      const result = new Map<string, StoredTimer>();
      // Most members have no timer (a null reply): no entry pair per member, no parse.
      userIds.forEach((userId, i) => {
        const raw = raws[i];
        if (raw === null || raw === undefined) return;
        const timer = parseStoredTimer(raw);
        if (timer) result.set(userId, timer);
      });
      return result;
    },
  };
}
