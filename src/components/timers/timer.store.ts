import type { AppContext } from '../../context';
import { parsePendingStop, parseStoredTimer, type PendingStop, type StoredTimer } from './timer.rules';

/**
 * Redis layout of timers. A user's timer is in exactly one of
 * three places at every instant: running here, pending here, or handed to its persist
 * job (queued/stored).
 * - `timer:<userId>` → JSON `{startedAt, groupId, sessionUuid}`, no expiry (a timer
 *   survives reconnects and node restarts; the stale-timer job stops old ones);
 * - `timers` → ZSET of userId scored by startedAt in ms (for that sweep);
 * - `timer-stop:<userId>` → JSON `{stoppedAt, notes, capSeconds, timer}`: a stop whose
 *   persist job is not yet known to be queued (the "pending stop"), no expiry;
 * - `timer-stops` → ZSET of userId scored by the ms the stop was recorded (for the
 *   recovery sweep that turns old pending stops into their jobs).
 * Start, stop and the clearing of a pending stop are single Lua scripts. The stop moves
 * the running timer into the pending record in the same step as deleting it, so no
 * crash between two lines can lose it. A user has at most one pending stop: a start or
 * a stop that finds one finishes its hand-over first (`PENDING` below).
 */
const START = `
if redis.call('EXISTS', KEYS[3]) == 1 then return 2 end
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0`;

const STOP = `
if redis.call('EXISTS', KEYS[3]) == 1 then return {2} end
local value = redis.call('GET', KEYS[1])
if not value then return {0} end
local record = ARGV[2] .. value .. '}'
redis.call('SET', KEYS[3], record)
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return {1, record}`;

/** Deletes the pending stop only if it is still the one handed over (compare and delete). */
const CLEAR = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[2])
  return 1
end
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[2]) end
return 0`;

const timerKey = (ctx: AppContext, userId: string): string => ctx.key('timer', userId);
const timersKey = (ctx: AppContext): string => ctx.key('timers');
const stopKey = (ctx: AppContext, userId: string): string => ctx.key('timer-stop', userId);
const stopsKey = (ctx: AppContext): string => ctx.key('timer-stops');

export type PutResult = 'stored' | 'running' | 'pending';

/** Stores the timer unless one runs (`running`) or a stop of the user is pending (`pending`). */
export async function putTimerIfAbsent(ctx: AppContext, userId: string, timer: StoredTimer): Promise<PutResult> {
  const result = await ctx.redis.eval(
    START,
    3,
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
 * instant, the notes and the cap: `taken` with that record, `none` when no timer runs,
 * `pending` when an earlier stop of the user is still pending (nothing changed).
 */
export async function takeTimer(
  ctx: AppContext,
  userId: string,
  stop: { stoppedAt: Date; notes: string | null; capSeconds: number | null },
): Promise<TakeResult> {
  const head = `{"stoppedAt":${JSON.stringify(stop.stoppedAt.toISOString())},"notes":${JSON.stringify(stop.notes)},"capSeconds":${JSON.stringify(stop.capSeconds)},"timer":`;
  const result = (await ctx.redis.eval(STOP, 4, timerKey(ctx, userId), timersKey(ctx), stopKey(ctx, userId), stopsKey(ctx), userId, head, Date.now())) as [
    number,
    string?,
  ];
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
  return (await ctx.redis.eval(CLEAR, 2, stopKey(ctx, userId), stopsKey(ctx), record.raw, userId)) === 1;
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
  return parseStoredTimer(await ctx.redis.get(timerKey(ctx, userId)));
}

/** Running timers of several users at once (room state). */
export async function readTimers(ctx: AppContext, userIds: string[]): Promise<Map<string, StoredTimer>> {
  const result = new Map<string, StoredTimer>();
  if (userIds.length === 0) return result;
  const raws = await ctx.redis.mget(...userIds.map((id) => timerKey(ctx, id)));
  for (const [i, userId] of userIds.entries()) {
    const timer = parseStoredTimer(raws[i] ?? null);
    if (timer) result.set(userId, timer);
  }
  return result;
}
