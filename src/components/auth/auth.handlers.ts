import type { AppContext } from '../../context';
import { unauthenticated } from '../../lib/errors';
import { handle, type IoSocket, type SocketModule } from '../../realtime/socket-handler';
import type { Authenticator } from './auth.service';

/**
 * Sockets live as long as their token: each is disconnected at its deadline
 * (`expiresAt`: the token's `exp` plus the clock skew). The node keeps its sockets by the
 * second their deadline falls in and checks once a second (while it has any): one
 * interval per node, not a timer per held socket. Re-arming moves the socket.
 */
class TokenDeadlines {
  private readonly bySecond = new Map<number, Set<IoSocket>>();
  private interval: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: AppContext) {}

  arm(socket: IoSocket, expiresAt: number): void {
    this.disarm(socket);
    // A socket gone meanwhile (an auth:refresh answered after its disconnect) is not kept.
    if (!socket.connected) return;
    socket.data.expiresAt = expiresAt;
    if (expiresAt <= Date.now()) {
      this.expire(socket);
      return;
    }
    const second = Math.ceil(expiresAt / 1000);
    let sockets = this.bySecond.get(second);
    if (!sockets) {
      sockets = new Set();
      this.bySecond.set(second, sockets);
    }
    sockets.add(socket);
    if (!this.interval) {
      this.interval = setInterval(() => this.tick(), 1000);
      this.interval.unref();
    }
  }

  disarm(socket: IoSocket): void {
    const second = Math.ceil(socket.data.expiresAt / 1000);
    const sockets = this.bySecond.get(second);
    if (!sockets?.delete(socket)) return;
    if (sockets.size === 0) this.bySecond.delete(second);
    if (this.bySecond.size === 0) this.stop();
  }

  private tick(): void {
    const now = Date.now();
    for (const [second, sockets] of this.bySecond) {
      if (second * 1000 > now) continue;
      this.bySecond.delete(second);
      for (const socket of sockets) this.expire(socket);
    }
    if (this.bySecond.size === 0) this.stop();
  }

  private expire(socket: IoSocket): void {
    this.ctx.logger.debug({ component: 'socket', userId: socket.data.userId, socketId: socket.id }, 'token expired: socket disconnected');
    socket.disconnect(true);
  }

  private stop(): void {
    clearInterval(this.interval);
    this.interval = undefined;
  }
}

/**
 * Disconnected at the token's expiry unless the client sent a fresh token of the same
 * user with `auth:refresh {token}` (→ `{ok}`; a bad, expired or another user's token →
 * UNAUTHENTICATED, and the old deadline stays).
 */
export function authSocketModule(ctx: AppContext, authenticate: Authenticator): SocketModule {
  const deadlines = new TokenDeadlines(ctx);
  return {
    connected: (socket) => deadlines.arm(socket, socket.data.expiresAt),
    disconnect: (socket) => deadlines.disarm(socket),
    events: [
      handle(ctx, 'auth:refresh', async (socket, { token }) => {
        const { user, expiresAt } = await authenticate(token);
        if (user.userId !== socket.data.userId) throw unauthenticated('The token belongs to another user');
        deadlines.arm(socket, expiresAt);
        return {};
      }),
    ],
  };
}
