import type { AppContext } from '../../context';
import { unauthenticated } from '../../lib/errors';
import { handle, type IoSocket } from '../../realtime/socket-handler';
import type { Authenticator } from './auth.service';

/** setTimeout's longest delay; a later expiry is re-armed in steps. */
const MAX_DELAY_MS = 2_147_483_647;

/**
 * Disconnects the socket when its token runs out (`expiresAt`: the token's `exp` plus
 * the clock skew). Re-arming replaces the previous deadline.
 */
export function armTokenExpiry(ctx: AppContext, socket: IoSocket, expiresAt: number): void {
  const state = socket as IoSocket & { expiryTimer?: NodeJS.Timeout };
  clearTimeout(state.expiryTimer);
  socket.data.expiresAt = expiresAt;
  const delay = expiresAt - Date.now();
  if (delay <= 0) {
    ctx.logger.debug({ component: 'socket', userId: socket.data.userId, socketId: socket.id }, 'token expired: socket disconnected');
    socket.disconnect(true);
    return;
  }
  state.expiryTimer = setTimeout(() => armTokenExpiry(ctx, socket, expiresAt), Math.min(delay, MAX_DELAY_MS));
  state.expiryTimer.unref();
}

/**
 * Sockets live as long as their token: disconnected at its expiry unless the client sent
 * a fresh token of the same user with `auth:refresh {token}` (→ `{ok}`; a bad, expired or
 * another user's token → UNAUTHENTICATED, and the old deadline stays).
 */
export function registerAuthHandlers(ctx: AppContext, socket: IoSocket, authenticate: Authenticator): void {
  armTokenExpiry(ctx, socket, socket.data.expiresAt);
  socket.on('disconnect', () => clearTimeout((socket as IoSocket & { expiryTimer?: NodeJS.Timeout }).expiryTimer));
  handle(ctx, socket, 'auth:refresh', async ({ token }) => {
    const { user, expiresAt } = await authenticate(token);
    if (user.userId !== socket.data.userId) throw unauthenticated('The token belongs to another user');
    armTokenExpiry(ctx, socket, expiresAt);
    return {};
  });
}
