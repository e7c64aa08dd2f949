import type { AppContext } from '../../lib/context';
import { handle, type IoSocket } from '../../realtime/socket-handler';
import { startTimer, stopRunningTimer } from './timer.service';

/** `timer:start` / `timer:stop`: the same use-cases as REST; the acting socket gets the ack. */
export function registerTimerHandlers(ctx: AppContext, socket: IoSocket): void {
  const userId = socket.data.userId;
  handle(ctx, socket, 'timer:start', async (input) => ({ timer: await startTimer(ctx, userId, input.groupId ?? null, { exceptSocketId: socket.id }) }), {
    limit: 'writes',
  });
  // Never refused by the write limit: a stop only ends what a (limited) start began.
  handle(ctx, socket, 'timer:stop', (input) => stopRunningTimer(ctx, userId, { notes: input.notes ?? null, exceptSocketId: socket.id }));
}
