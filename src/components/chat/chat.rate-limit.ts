import type { AppContext } from '../../context';
import { type CountWindow, refuseOverWindow } from '../../lib/rate-limit';
import { redisScript } from '../../lib/redis-script';

/**
 * Redis key `chat-rate:<userId>`: a fixed-window counter shared by every node
 * (`chatRateLimit` messages per `chatRateWindowSeconds`).
 */
export function chatWindow(ctx: AppContext, userId: string): CountWindow {
  return {
    name: 'chat',
    key: ctx.key('chat-rate', userId),
    windowMs: ctx.config.chatRateWindowSeconds * 1000,
    max: ctx.config.chatRateLimit,
    message: `At most ${ctx.config.chatRateLimit} messages per ${ctx.config.chatRateWindowSeconds} s; slow down`,
  };
}

const HIT = redisScript(
  'chatRateHit',
  1,
  `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`,
);

/**
 * Counts one message; RATE_LIMITED over the limit. (`chat:send` counts it in the same
 * script as its write token: `enforceWriteLimitAndWindow`.)
 */
export async function hitChatRateLimit(ctx: AppContext, userId: string): Promise<void> {
  const window = chatWindow(ctx, userId);
  const [n, ttl] = (await HIT.run(ctx.redis, window.key, window.windowMs)) as [number, number];
  refuseOverWindow(ctx, window, n, ttl);
}
