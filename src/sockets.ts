import { Gauge } from 'prom-client';
import { type Authenticator, authSocketModule } from './components/auth';
import { chatSocketModule, stopActivity } from './components/chat';
import { forgetGroup, forgetMembership } from './components/groups';
import { groupClosed, presenceSocketModule, startPresenceLoop, userRemovedFromGroup } from './components/presence';
import { startSocketLiveness, timerSocketModule } from './components/timers';
import type { AppContext } from './context';
import { type Broadcaster, withMembershipHooks } from './realtime/broadcaster';
import type { IoServer } from './realtime/io-server';
import { socketModules } from './realtime/socket-handler';

/**
 * Makes membership changes announced through the broadcaster keep presence consistent:
 * a removed member's or a deleted group's presence is dropped on every node.
 */
export function withPresenceHooks(ctx: AppContext, inner: Broadcaster): Broadcaster {
  const log = ctx.logger.child({ component: 'socket' });
  return withMembershipHooks(
    inner,
    {
      // The caches too (the services already dropped the keys; a second drop is cheap, and
      // covers callers that change the rows directly).
      userRemoved: async (userId, groupId) => {
        await forgetMembership(ctx, groupId, userId);
        await userRemovedFromGroup(ctx, { userId, groupId });
      },
      groupClosed: async (groupId) => {
        await forgetGroup(ctx, groupId);
        await groupClosed(ctx, { groupId });
      },
    },
    (error) => log.warn({ err: error }, 'presence update after a membership change failed'),
  );
}

/**
 * Wires every component's socket handlers onto the server. Each component exposes a
 * `…SocketModule(ctx)`, built once here and shared by every socket; this is the one list
 * of them. Also starts the
 * node's presence upkeep (stopped when the HTTP server closes).
 */
export function registerSocketHandlers(io: IoServer, ctx: AppContext, authenticate: Authenticator): void {
  const log = ctx.logger.child({ component: 'socket' });

  new Gauge({
    name: 'studysync_connected_sockets',
    help: 'Socket.IO clients connected to this API node',
    registers: [ctx.metrics],
    collect() {
      this.set(io.of('/').sockets.size);
    },
  });

  const stopPresence = startPresenceLoop(io, ctx);
  io.httpServer?.once('close', stopPresence);
  const stopLiveness = startSocketLiveness(io, ctx);
  io.httpServer?.once('close', stopLiveness);
  // Before the adapter's Redis clients close (io.close's own callback comes after this);
  // the presence coalescer is closed by the node's stop (ctx.broadcast.close).
  io.httpServer?.once('close', () => stopActivity(ctx));

  const attach = socketModules([authSocketModule(ctx, authenticate), presenceSocketModule(ctx), timerSocketModule(ctx), chatSocketModule(ctx)]);
  io.on('connection', (socket) => {
    log.debug({ userId: socket.data.userId, socketId: socket.id }, 'socket connected');
    attach(socket);
  });
}
