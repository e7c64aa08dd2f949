import type { Actor, AppContext } from '../../context';
import { handle, type IoSocket } from '../../realtime/socket-handler';
import { pauseOrResume, startTimer, stopRunningTimer } from './timer.service';

/** `timer:start` / `timer:stop`: the same use-cases as REST; the acting socket gets the ack. */
export function registerTimerHandlers(ctx: AppContext, socket: IoSocket): void {
  const actor: Actor = { userId: socket.data.userId, username: socket.data.username, socketId: socket.id };
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
