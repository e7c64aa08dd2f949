import type { Actor, AppContext } from '../../context';
import { componentLogger } from '../../lib/logger';
import { groupRoom } from '../../realtime/events';
import { handle, type IoSocket } from '../../realtime/socket-handler';
import { checkRoomAccess, joinRoom, leaveRoom } from './presence.service';

/** Group ids of the rooms a socket has joined. */
export function joinedGroups(socket: { rooms: Set<string> }): number[] {
  return [...socket.rooms].filter((room) => room.startsWith('group:')).map((room) => Number(room.slice('group:'.length)));
}

/** `room:join` / `room:leave`, and leaving every room when the socket goes. */
export function registerPresenceHandlers(ctx: AppContext, socket: IoSocket): void {
  const actor: Actor = { userId: socket.data.userId, username: socket.data.username, socketId: socket.id };
  const userId = actor.userId;
  const log = componentLogger(ctx.logger, 'presence');

  handle(ctx, socket, 'room:join', async ({ groupId }) => ({ state: await joinRoom(ctx, actor, { groupId, socket }) }), {
    limit: 'writes',
  });

  handle(
    ctx,
    socket,
    'room:leave',
    async ({ groupId }) => {
      if (!socket.rooms.has(groupRoom(groupId))) {
        await checkRoomAccess(ctx, actor, { groupId });
        return {};
      }
      await socket.leave(groupRoom(groupId));
      await leaveRoom(ctx, { socketId: socket.id, userId, groupId });
      return {};
    },
    { limit: 'writes' },
  );

  socket.on('disconnecting', (reason) => {
    // A node shutting down leaves the entries to expire: its clients reconnect to
    // another node within the TTL and nobody sees them flicker offline.
    if (reason === 'server shutting down') return;
    for (const groupId of joinedGroups(socket)) {
      leaveRoom(ctx, { socketId: socket.id, userId, groupId }).catch((error: unknown) =>
        // The entry then expires by itself within PRESENCE_TTL_SECONDS.
        log.warn({ err: error, userId, groupId }, 'presence leave failed'),
      );
    }
  });
}
