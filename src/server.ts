import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApplication, corsOrigin } from './app';
import { createAuthenticator, createTokenVerifier, type DevKeys, loadDevKeys } from './components/auth';
import { startStopRecovery } from './components/timers';
import type { AppContext } from './context';
import { initModels } from './db/models';
import { createInfrastructure } from './lib/bootstrap';
import type { Config } from './lib/config';
import { guardRequestListeners } from './lib/http/guard-listeners';
import type { Logger } from './lib/logger';
import { createBroadcaster, detachedBroadcaster } from './realtime/broadcaster';
import { createIo, type IoServer } from './realtime/io';
import { registerSocketHandlers, withPresenceHooks } from './sockets';

export interface ApiNode {
  ctx: AppContext;
  io: IoServer;
  port: number;
  url: string;
  devKeys?: DevKeys;
  /** Idempotent: io → http → queues → Sequelize → Redis. */
  stop(): Promise<void>;
}

/** An address this machine reaches the node at (loopback when it listens on every interface). */
function localAddress(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The listening socket's accept queue. Node's default (511) overflows when the clients of
 * a dead node all come back within a second (a reconnect storm: 5,000 handshakes): the
 * kernel then drops their handshakes, and each client's TCP stack retries after 1, 2, 4 …
 * seconds, which made some storms' slowest re-joins take 18-19 s (docs/PERFORMANCE.md,
 * eighth pass). Linux caps it at `net.core.somaxconn` (4096 by default since 5.4).
 */
const LISTEN_BACKLOG = 4096;

/**
 * Starts one API node (Express + Socket.IO on one port) and returns its address. The
 * composition root of an API process: config → toolbox (pool, Redis, queues, storage) →
 * models bound to the pool → authentication → REST app → Socket.IO server and the
 * broadcaster on it → every component's socket handlers → listen.
 */
export async function startApiNode(config: Config, logger?: Logger): Promise<ApiNode> {
  const handle = await createInfrastructure(config, 'api', logger);
  const { infra } = handle;
  initModels(infra.sequelize);
  const ctx: AppContext = { ...infra, broadcast: detachedBroadcaster(() => infra.logger.error('broadcast before the broadcaster was attached')) };
  try {
    const devKeys = config.devAuth ? await loadDevKeys(ctx.redis, ctx.key('dev', 'jwt-keys')) : undefined;
    const publicPem = config.clerkJwtKey ?? devKeys?.publicPem;
    if (!publicPem) throw new Error('no key to verify tokens: CLERK_JWT_KEY is unset and dev auth is off');
    const verify = createTokenVerifier(publicPem, config.clerkAuthorizedParties);
    const authenticate = createAuthenticator(ctx, verify);

    // Express is the server's request listener; Socket.IO attaches after it, so engine.io
    // sees /socket.io/ requests first (long-polling) and hands every other one to Express.
    const server = http.createServer(createApplication(ctx, { authenticate, devKeys }));
    server.keepAliveTimeout = 65_000;
    const allowed = corsOrigin(ctx);
    const ioHandle = createIo(server, ctx, authenticate, allowed);
    ctx.broadcast = withPresenceHooks(ctx, createBroadcaster(ioHandle.io));
    registerSocketHandlers(ioHandle.io, ctx, authenticate);
    guardRequestListeners(server, ctx.logger);

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    ctx.logger.info({ host: config.host, port, devAuth: config.devAuth }, 'api node listening');
    // Stops whose node died mid-hand-over are queued by whoever sees them next: this node too.
    const stopRecovery = startStopRecovery(ctx);

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        stopRecovery();
        ctx.broadcast.close();
        await ioHandle.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await handle.close();
      })());
    return { ctx, io: ioHandle.io, port, url: `http://${localAddress(config.host)}:${port}`, devKeys, stop };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
