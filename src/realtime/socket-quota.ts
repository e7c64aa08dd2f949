import type { InfraContext } from '../lib/context';
import { rateLimitedCounter } from '../lib/rate-limit';
import type { IoServer } from './io-server';
import { perSlice, redisScript } from '../lib/redis-script';

/**
 * How many sockets each user holds, across all nodes: `sockets:<userId>` → ZSET of
 * socket ids scored by the ms their entry expires. Each node refreshes its own sockets'
 * entries (like presence), so a killed node's sockets stop counting within
 * PRESENCE_TTL_SECONDS. A handshake beyond MAX_SOCKETS_PER_USER is refused.
 */
const ADMIT = redisScript(
  'socketQuotaAdmit',
  1,
  `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`,
);

const socketsKey = (ctx: InfraContext, userId: string): string => ctx.key('sockets', userId);
const ttlMs = (ctx: InfraContext): number => ctx.config.presenceTtlSeconds * 1000;

/** Counts the socket in, unless the user already holds the maximum; true when admitted. */
export async function admitSocket(ctx: InfraContext, userId: string, socketId: string): Promise<boolean> {
  const now = Date.now();
  const admitted = (await ADMIT.run(ctx.redis, socketsKey(ctx, userId), now, now + ttlMs(ctx), ctx.config.maxSocketsPerUser, socketId, ttlMs(ctx) * 2)) === 1;
  if (!admitted) rateLimitedCounter(ctx.metrics).inc({ limit: 'sockets' });
  return admitted;
}

export async function releaseSocket(ctx: InfraContext, userId: string, socketId: string): Promise<void> {
  await ctx.redis.zrem(socketsKey(ctx, userId), socketId);
}

/** KEYS: users' socket sets. ARGV: expiry, set TTL (ms), then one socket id per key. Moves each entry's expiry forward if it is still there. */
const REFRESH = redisScript(
  'socketQuotaRefresh',
  null,
  `
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], 'XX', ARGV[1], ARGV[i + 2])
  redis.call('PEXPIRE', KEYS[i], ARGV[2])
end
return #KEYS`,
);

/** Moves these sockets' entries' expiry forward (never re-adding one released meanwhile). */
export async function refreshSocketQuota(ctx: InfraContext, sockets: ReadonlyArray<{ userId: string; socketId: string }>, now = Date.now()): Promise<void> {
  await perSlice(sockets, (slice) =>
    REFRESH.runWithKeys(
      ctx.redis,
      slice.map((s) => socketsKey(ctx, s.userId)),
      [now + ttlMs(ctx), ttlMs(ctx) * 2, ...slice.map((s) => s.socketId)],
    ),
  );
}

/** Refreshes this node's sockets' entries three times per TTL; returns the stop function. */
export function startSocketQuotaRefresh(io: IoServer, ctx: InfraContext): () => void {
  const interval = setInterval(() => {
    const sockets = [...io.of('/').sockets.values()].map((socket) => ({ userId: socket.data.userId, socketId: socket.id }));
    refreshSocketQuota(ctx, sockets).catch((error: unknown) => ctx.logger.warn({ err: error, component: 'socket' }, 'socket quota refresh failed'));
  }, ttlMs(ctx) / 3);
  interval.unref();
  return () => clearInterval(interval);
}
