import type { AppContext } from '../../context';
import { rateLimitedCounter, RateLimitedError } from '../../lib/rate-limit';
import { redisScript } from '../../lib/redis-script';

/**
 * Redis key `chat-rate:<userId>`: a fixed-window counter shared by every node
 * (`chatRateLimit` messages per `chatRateWindowSeconds`).
 */
const HIT = redisScript(
  'chatRateHit',
  1,
  `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`,
);

/** Counts one message; RATE_LIMITED over the limit. */
export async function hitChatRateLimit(ctx: AppContext, userId: string): Promise<void> {
  const [n, ttl] = (await HIT.run(ctx.redis, ctx.key('chat-rate', userId), ctx.config.chatRateWindowSeconds * 1000)) as [number, number];
  if (n > ctx.config.chatRateLimit) {
    rateLimitedCounter(ctx.metrics).inc({ limit: 'chat' });
    throw new RateLimitedError(
      `At most ${ctx.config.chatRateLimit} messages per ${ctx.config.chatRateWindowSeconds} s; slow down`,
      Math.max(1, Math.ceil(ttl / 1000)),
    );
  }
}
