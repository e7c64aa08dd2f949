import type { AppContext } from '../../context';
import { componentLogger } from '../../lib/logger';
import { groupRoom } from '../../realtime/events';
import { actorOf, handle, type SocketModule } from '../../realtime/socket-handler';
import { checkRoomAccess, joinRoom, leaveRoom } from './presence.service';

/** Group ids of the rooms a socket has joined. */
export function joinedGroups(socket: { rooms: Set<string> }): number[] {
  return [...socket.rooms].filter((room) => room.startsWith('group:')).map((room) => Number(room.slice('group:'.length)));
}

/** `room:join` / `room:leave`, and leaving every room when the socket goes. */
export function presenceSocketModule(ctx: AppContext): SocketModule {
  const log = componentLogger(ctx.logger, 'presence');
  return {
    events: [
      handle(ctx, 'room:join', async (socket, { groupId }) => ({ state: await joinRoom(ctx, actorOf(socket), { groupId, socket }) }), {
        limit: 'writes',
      }),
      handle(
        ctx,
        'room:leave',
        async (socket, { groupId }) => {
          if (!socket.rooms.has(groupRoom(groupId))) {
            await checkRoomAccess(ctx, actorOf(socket), { groupId });
            return {};
          }
          await socket.leave(groupRoom(groupId));
          await leaveRoom(ctx, { socketId: socket.id, userId: socket.data.userId, groupId });
          return {};
        },
        { limit: 'writes' },
      ),
    ],
    disconnecting: (socket, reason) => {
      // A node shutting down leaves the entries to expire: its clients reconnect to
      // another node within the TTL and nobody sees them flicker offline.
      if (reason === 'server shutting down') return;
      const userId = socket.data.userId;
      for (const groupId of joinedGroups(socket)) {
        leaveRoom(ctx, { socketId: socket.id, userId, groupId }).catch((error: unknown) =>
          // The entry then expires by itself within PRESENCE_TTL_SECONDS.
          log.warn({ err: error, userId, groupId }, 'presence leave failed'),
        );
      }
    },
  };
}
