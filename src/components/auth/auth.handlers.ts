import type { AppContext } from '../../context';
import { unauthenticated } from '../../lib/errors';
import { handle, type IoSocket, type SocketModule } from '../../realtime/socket-handler';
import type { Authenticator } from './auth.service';

/** setTimeout's longest delay; a later expiry is re-armed in steps. */
const MAX_DELAY_MS = 2_147_483_647;

type ExpiringSocket = IoSocket & { expiryTimer?: NodeJS.Timeout };

/**
 * Disconnects the socket when its token runs out (`expiresAt`: the token's `exp` plus
 * the clock skew). Re-arming replaces the previous deadline. The timer holds the socket
 * as an argument of a shared callback, not a closure of its own.
 */
export function armTokenExpiry(ctx: AppContext, socket: IoSocket, expiresAt: number): void {
  const state = socket as ExpiringSocket;
  clearTimeout(state.expiryTimer);
  socket.data.expiresAt = expiresAt;
  const delay = expiresAt - Date.now();
  if (delay <= 0) {
    ctx.logger.debug({ component: 'socket', userId: socket.data.userId, socketId: socket.id }, 'token expired: socket disconnected');
    socket.disconnect(true);
    return;
  }
  state.expiryTimer = setTimeout(armTokenExpiry, Math.min(delay, MAX_DELAY_MS), ctx, socket, expiresAt);
  state.expiryTimer.unref();
}

/**
 * Sockets live as long as their token: disconnected at its expiry unless the client sent
 * a fresh token of the same user with `auth:refresh {token}` (→ `{ok}`; a bad, expired or
 * another user's token → UNAUTHENTICATED, and the old deadline stays).
 */
export function authSocketModule(ctx: AppContext, authenticate: Authenticator): SocketModule {
  return {
    connected: (socket) => armTokenExpiry(ctx, socket, socket.data.expiresAt),
    disconnect: (socket) => clearTimeout((socket as ExpiringSocket).expiryTimer),
    events: [
      handle(ctx, 'auth:refresh', async (socket, { token }) => {
        const { user, expiresAt } = await authenticate(token);
        if (user.userId !== socket.data.userId) throw unauthenticated('The token belongs to another user');
        armTokenExpiry(ctx, socket, expiresAt);
        return {};
      }),
    ],
  };
}
