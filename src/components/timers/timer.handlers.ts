import type { Actor, AppContext } from '../../context';
import { componentLogger } from '../../lib/logger';
import { handle, type IoSocket } from '../../realtime/socket-handler';
import type { IoServer } from '../../realtime/io-server';
import { refreshSockets, socketConnected, socketDisconnected } from './afk.store';
import { pauseOrResume, startTimer, stopRunningTimer } from './timer.service';

/** `timer:start` / `timer:stop`: the same use-cases as REST; the acting socket gets the ack. */
export function registerTimerHandlers(ctx: AppContext, socket: IoSocket): void {
  const actor: Actor = { userId: socket.data.userId, username: socket.data.username, socketId: socket.id };
  // The AFK guard's view of the user's sockets (afk.store.ts): connected now, gone at disconnect.
  const log = componentLogger(ctx.logger, 'timers');
  const connected = socketConnected(ctx, actor.userId, socket.id).catch((error: unknown) =>
    log.warn({ err: error }, 'socket not registered for the AFK guard'),
  );
  socket.on('disconnect', () => {
    void connected.then(() =>
      socketDisconnected(ctx, actor.userId, socket.id).catch((error: unknown) => log.warn({ err: error }, 'socket departure not recorded for the AFK guard')),
    );
  });
  handle(
    ctx,
    socket,
    'timer:start',
    async (input) => ({
      timer: await startTimer(ctx, actor, {
        groupId: input.groupId ?? null,
        subject: input.subject ?? null,
        mode: input.mode,
        pomodoro: input.pomodoro ?? null,
      }),
    }),
    { limit: 'writes' },
  );
  handle(ctx, socket, 'timer:pause', async () => ({ timer: await pauseOrResume(ctx, actor, 'pause') }), { limit: 'writes' });
  handle(ctx, socket, 'timer:resume', async () => ({ timer: await pauseOrResume(ctx, actor, 'resume') }), { limit: 'writes' });
  // Never refused by the write limit: a stop only ends what a (limited) start began.
  handle(ctx, socket, 'timer:stop', (input) => stopRunningTimer(ctx, actor, { notes: input.notes ?? null }));
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
