import type { AppContext } from '../../context';
import { componentLogger } from '../../lib/logger';
import { actorOf, handle, type IoSocket, type SocketModule } from '../../realtime/socket-handler';
import type { IoServer } from '../../realtime/io-server';
import { refreshSockets, socketConnected, socketDisconnected } from './afk.store';
import { pauseOrResume, startTimer, stopRunningTimer } from './timer.service';

/** `timer:start` / `timer:stop`: the same use-cases as REST; the acting socket gets the ack. */
export function timerSocketModule(ctx: AppContext): SocketModule {
  const log = componentLogger(ctx.logger, 'timers');
  // The AFK guard's view of the user's sockets (afk.store.ts): connected now, gone at
  // disconnect. A departure waits for its socket's registration while that is in flight
  // (only then is it held here), so the removal never lands before the addition.
  const registering = new Map<string, Promise<void>>();
  const departed = (socket: IoSocket): void => {
    socketDisconnected(ctx, socket.data.userId, socket.id).catch((error: unknown) =>
      log.warn({ err: error }, 'socket departure not recorded for the AFK guard'),
    );
  };
  return {
    connected: (socket) => {
      const registered = socketConnected(ctx, socket.data.userId, socket.id)
        .catch((error: unknown) => log.warn({ err: error }, 'socket not registered for the AFK guard'))
        .finally(() => {
          if (registering.get(socket.id) === registered) registering.delete(socket.id);
        });
      registering.set(socket.id, registered);
    },
    disconnect: (socket) => {
      const pending = registering.get(socket.id);
      if (pending) void pending.then(() => departed(socket));
      else departed(socket);
    },
    events: [
      handle(
        ctx,
        'timer:start',
        async (socket, input) => ({
          timer: await startTimer(ctx, actorOf(socket), {
            groupId: input.groupId ?? null,
            subject: input.subject ?? null,
            mode: input.mode,
            pomodoro: input.pomodoro ?? null,
          }),
        }),
        { limit: 'writes' },
      ),
      handle(ctx, 'timer:pause', async (socket) => ({ timer: await pauseOrResume(ctx, actorOf(socket), 'pause') }), { limit: 'writes' }),
      handle(ctx, 'timer:resume', async (socket) => ({ timer: await pauseOrResume(ctx, actorOf(socket), 'resume') }), { limit: 'writes' }),
      // Never refused by the write limit: a stop only ends what a (limited) start began.
      handle(ctx, 'timer:stop', (socket, input) => stopRunningTimer(ctx, actorOf(socket), { notes: input.notes ?? null })),
    ],
  };
}

/**
 * The node's share of the AFK guard: refreshes its sockets' entries every third of
 * PRESENCE_TTL_SECONDS, so they live while the node does and expire when it dies (the
 * sweep in timer.service.ts then treats its users as gone). Returns the stop function.
 */
export function startSocketLiveness(io: IoServer, ctx: AppContext): () => void {
  const log = ctx.logger.child({ component: 'timers' });
  const interval = setInterval(
    () => {
      if (ctx.redis.status !== 'ready') return;
      const sockets = [...io.of('/').sockets.values()].map((s) => ({ userId: s.data.userId, socketId: s.id }));
      refreshSockets(ctx, sockets).catch((error: unknown) => log.warn({ err: error }, 'socket liveness refresh failed'));
    },
    Math.max(500, Math.floor((ctx.config.presenceTtlSeconds * 1000) / 3)),
  );
  interval.unref();
  return () => clearInterval(interval);
}
