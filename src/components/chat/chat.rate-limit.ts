import type { AppContext } from '../../lib/context';
import { AppError } from '../../lib/errors';

/**
 * Redis key `chat-rate:<userId>`: a fixed-window counter shared by every node
 * (`chatRateLimit` messages per `chatRateWindowSeconds`).
 */
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** Counts one message; RATE_LIMITED over the limit. */
export async function hitChatRateLimit(ctx: AppContext, userId: string): Promise<void> {
  const n = (await ctx.redis.eval(HIT, 1, ctx.key('chat-rate', userId), ctx.config.chatRateWindowSeconds * 1000)) as number;
  if (n > ctx.config.chatRateLimit) {
    throw new AppError('RATE_LIMITED', `At most ${ctx.config.chatRateLimit} messages per ${ctx.config.chatRateWindowSeconds} s; slow down`);
  }
}
