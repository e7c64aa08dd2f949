import type { AppContext } from '../../lib/context';
import { parseStoredTimer, type StoredTimer } from './timer.rules';

/**
 * Redis layout of running timers (the workers rely on it):
 * - `timer:<userId>` → JSON `{startedAt, groupId, sessionUuid}`, no expiry (a timer
 *   survives reconnects and node restarts; the stale-timer job stops old ones);
 * - `timers` → ZSET of userId scored by startedAt in ms (for that sweep).
 * Start and stop are single Lua scripts, so two starts or two stops never both win.
 */
const START = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0`;

const STOP = `
local value = redis.call('GET', KEYS[1])
if not value then return false end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return value`;

const timerKey = (ctx: AppContext, userId: string): string => ctx.key('timer', userId);
const timersKey = (ctx: AppContext): string => ctx.key('timers');

/** Stores the timer unless one runs; true when stored. */
export async function putTimerIfAbsent(ctx: AppContext, userId: string, timer: StoredTimer): Promise<boolean> {
  const stored = await ctx.redis.eval(START, 2, timerKey(ctx, userId), timersKey(ctx), JSON.stringify(timer), Date.parse(timer.startedAt), userId);
  return stored === 1;
}

/** Removes and returns the running timer (null when none runs). */
export async function takeTimer(ctx: AppContext, userId: string): Promise<StoredTimer | null> {
  const raw = (await ctx.redis.eval(STOP, 2, timerKey(ctx, userId), timersKey(ctx), userId)) as string | null;
  return parseStoredTimer(raw);
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
