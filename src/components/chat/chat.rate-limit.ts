import type { AppContext } from '../../context';
import { type CountWindow, enforceWindow } from '../../lib/rate-limit';

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

/**
 * Counts one message; RATE_LIMITED over the limit. (`chat:send` counts it in the same
 * script as its write token: `enforceWriteLimitAndWindow`.)
 */
export function hitChatRateLimit(ctx: AppContext, userId: string): Promise<void> {
  return enforceWindow(ctx, chatWindow(ctx, userId));
}
