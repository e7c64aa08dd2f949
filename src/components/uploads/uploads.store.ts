import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../context';

/**
 * Redis layout of uploads (keys through `ctx.key`):
 * - `uploads:token-key` — the HMAC key of upload and content-access tokens: 32 random
 *   bytes (base64), made by the first node that needs it (SET NX) and shared by every node
 *   of the deployment, like the dev key pair. Losing it (a Redis without persistence)
 *   only invalidates tokens in flight, which live minutes.
 */
const cache = new WeakMap<AppContext, { key: Promise<Buffer>; readAt: number }>();
/** Re-read now and then, so every node follows if the key was ever replaced. */
const REREAD_MS = 60_000;

export function tokenKey(ctx: AppContext): Promise<Buffer> {
  const cached = cache.get(ctx);
  if (cached && Date.now() - cached.readAt < REREAD_MS) return cached.key;
  {
    const key = (async () => {
      const name = ctx.key('uploads', 'token-key');
      await ctx.redis.set(name, randomBytes(32).toString('base64'), 'NX');
      const stored = await ctx.redis.get(name);
      if (!stored) throw new Error('upload token key missing after SET NX');
      return Buffer.from(stored, 'base64');
    })();
    key.catch(() => cache.delete(ctx));
    cache.set(ctx, { key, readAt: Date.now() });
    return key;
  }
}
