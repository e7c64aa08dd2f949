import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import type { Authenticator } from '../components/auth/auth.service';
import type { AppContext } from '../lib/context';
import { toAppError } from '../lib/error-mapping';
import { closeRedis, createSubscriberClient } from '../lib/redis';
import { ioChannelKey } from './broadcaster';
import { admitSocket, releaseSocket, startSocketQuotaRefresh } from './socket-quota';
import { userRoom, type ClientToServerEvents, type InterServerEvents, type ServerToClientEvents, type SocketData } from './events';

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface IoHandle {
  io: IoServer;
  close(): Promise<void>;
}

/**
 * Socket.IO on the API node's HTTP server: Redis adapter (every event reaches every
 * node), origin allowlist, 64 KB frames, and the token checked in the handshake.
 */
export function createIo(httpServer: HttpServer, ctx: AppContext, authenticate: Authenticator, allowedOrigins: string[] | boolean): IoHandle {
  const pub = createSubscriberClient(ctx.config.redisUrl, 'studysync-io-pub');
  const sub = pub.duplicate({ connectionName: 'studysync-io-sub' });
  const log = ctx.logger.child({ component: 'socket' });
  pub.on('error', (error) => log.warn({ err: error.message }, 'adapter pub error'));
  sub.on('error', (error) => log.warn({ err: error.message }, 'adapter sub error'));

  const io: IoServer = new Server(httpServer, {
    maxHttpBufferSize: 64 * 1024,
    cors: { origin: allowedOrigins, credentials: true },
    allowRequest: (req, callback) => {
      // Browsers always send Origin; non-browser clients (no Origin) are allowed.
      const origin = req.headers.origin;
      if (!origin || allowedOrigins === true) return callback(null, true);
      const host = req.headers.host;
      const sameOrigin = !!host && (origin === `http://${host}` || origin === `https://${host}`);
      callback(null, sameOrigin || (Array.isArray(allowedOrigins) && allowedOrigins.includes(origin)));
    },
    adapter: createAdapter(pub, sub, { key: ioChannelKey(ctx.config.redisKeyPrefix) }),
    pingInterval: 20_000,
    pingTimeout: 20_000,
  });

  io.use(async (socket, next) => {
    try {
      const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : undefined;
      const { user, expiresAt } = await authenticate(token);
      socket.data.userId = user.userId;
      socket.data.username = user.username;
      socket.data.expiresAt = expiresAt;
      if (!(await admitSocket(ctx, user.userId, socket.id))) {
        next(new Error('RATE_LIMITED'));
        return;
      }
      socket.once('disconnect', () => {
        releaseSocket(ctx, user.userId, socket.id).catch(() => undefined); // the entry then expires within the TTL
      });
      await socket.join(userRoom(user.userId));
      next();
    } catch (error) {
      const appError = toAppError(error);
      next(new Error(appError.code === 'UNAVAILABLE' || appError.code === 'USER_NOT_SYNCED' ? appError.code : 'UNAUTHENTICATED'));
    }
  });
  const stopQuotaRefresh = startSocketQuotaRefresh(io, ctx);

  let closing: Promise<void> | undefined;
  return {
    io,
    close: () =>
      (closing ??= (async () => {
        stopQuotaRefresh();
        await new Promise<void>((resolve) => io.close(() => resolve()));
        await Promise.all([closeRedis(pub), closeRedis(sub)]);
      })()),
  };
}
