import type { Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import type { Redis } from 'ioredis';
import type { InfraContext } from '../lib/context';
import type { Logger } from '../lib/logger';
import { toAppError } from '../lib/error-mapping';
import { closeRedis, createSubscriberClient } from '../lib/redis';
import { writePerTurn } from '../lib/write-per-turn';
import { ioChannelKey } from './broadcaster';
import { admitSocket, releaseSocket, startSocketQuotaRefresh } from './socket-quota';
import { userRoom } from './events';
import type { IoServer } from './io-server';
import type { IoSocket } from './socket-handler';

export type { IoServer };

/**
 * Checks a handshake's token: who it is and until when (ms since epoch) the token is
 * valid; throws UNAUTHENTICATED, USER_NOT_SYNCED or UNAVAILABLE. The API node's
 * composition root passes the auth component's authenticator.
 */
export type SocketAuthenticator = (token: string | undefined) => Promise<{ user: { userId: string; username: string }; expiresAt: number }>;

export interface IoHandle {
  io: IoServer;
  close(): Promise<void>;
}

/**
 * The Redis adapter (un)subscribes without awaiting the command's promise, so a node
 * stopped while those commands are in flight (or a Redis that drops the connection then)
 * would leave "Connection is closed" rejections unhandled — which end the process. They
 * are logged here instead: ioredis re-subscribes by itself when it reconnects.
 */
function observeSubscriptions(client: Redis, log: Logger): void {
  for (const method of ['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe'] as const) {
    const original = client[method].bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      const result = original(...args);
      result.catch((error: unknown) => log.debug({ err: error, method }, 'adapter subscription command failed'));
      return result;
    };
  }
}

/**
 * Socket.IO on the API node's HTTP server: Redis adapter (every event reaches every
 * node), origin allowlist, 64 KB frames, and the token checked in the handshake.
 */
export function createIo(httpServer: HttpServer, ctx: InfraContext, authenticate: SocketAuthenticator, allowedOrigins: string[] | boolean): IoHandle {
  const pub = createSubscriberClient(ctx.config.redisUrl, 'studysync-io-pub');
  const sub = pub.duplicate({ connectionName: 'studysync-io-sub' });
  const log = ctx.logger.child({ component: 'socket' });
  pub.on('error', (error) => log.warn({ err: error }, 'adapter pub error'));
  sub.on('error', (error) => log.warn({ err: error }, 'adapter sub error'));
  observeSubscriptions(sub, log);

  // A WebSocket's frames of one turn leave in one write (the upgrade's 101 response and
  // engine.io's open packet, above all): before engine.io's own upgrade listener.
  httpServer.prependListener('upgrade', (_req, socket: Duplex) => writePerTurn(socket));
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
    // Frames are small JSON: compressing them costs CPU and a zlib context per socket for
    // nothing (the engine's default too, stated so nobody turns it on by accident).
    perMessageDeflate: false,
    pingInterval: 20_000,
    pingTimeout: 20_000,
  });

  // Shared by every socket (this is the socket): a closure per socket would keep the
  // handshake's whole scope — the user's row, the token — as long as the socket lives.
  function released(this: IoSocket): void {
    releaseSocket(ctx, this.data.userId, this.id).catch(() => undefined); // the entry then expires within the TTL
  }
  io.use(async (socket, next) => {
    try {
      const auth = socket.handshake.auth as Record<string, unknown> | undefined;
      const token = typeof auth?.token === 'string' ? auth.token : undefined;
      const { user, expiresAt } = await authenticate(token);
      socket.data.userId = user.userId;
      socket.data.username = user.username;
      socket.data.expiresAt = expiresAt;
      if (!(await admitSocket(ctx, user.userId, socket.id))) {
        next(new Error('RATE_LIMITED'));
        return;
      }
      socket.on('disconnect', released);
      await socket.join(userRoom(user.userId));
      // The handshake (all this node reads of the HTTP request) is built: let the request
      // object, its headers and buffers be collected instead of living as long as the
      // socket; the token too (~0.5 KB: its deadline is kept, and auth:refresh brings its own).
      (socket.conn as unknown as { request: unknown }).request = null;
      if (auth) delete auth.token;
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
