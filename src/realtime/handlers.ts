import type { AppContext } from '../lib/context';
import type { IoServer } from './io';

/**
 * Wires every component's socket handlers onto the server. Each component exposes a
 * `register…Handlers(io, socket, ctx)`; this is the one list of them.
 */
export function registerSocketHandlers(io: IoServer, ctx: AppContext): void {
  io.on('connection', (socket) => {
    ctx.logger.debug({ userId: socket.data.userId, socketId: socket.id }, 'socket connected');
  });
}
