import type { AppContext } from '../../context';
import { groupRoom, userRoom } from '../../realtime/events';
import { actorOf, handle, type SocketModule } from '../../realtime/socket-handler';
import { chatWindow } from './chat.rate-limit';
import { checkTyping, deleteMessage, editMessage, sendMessage } from './chat.service';
import { markRead } from './reads.service';

/** `chat:send` / `chat:edit` / `chat:delete` / `chat:typing` / `chat:read`. */
export function chatSocketModule(ctx: AppContext): SocketModule {
  const writes = { limit: 'writes' } as const;
  return {
    events: [
      // The chat window is counted with the write token, in one Redis round trip.
      handle(ctx, 'chat:send', async (socket, input) => ({ message: await sendMessage(ctx, actorOf(socket), input) }), {
        ...writes,
        window: (userId) => chatWindow(ctx, userId),
      }),
      handle(ctx, 'chat:edit', async (socket, input) => ({ message: await editMessage(ctx, actorOf(socket), input) }), writes),
      handle(
        ctx,
        'chat:delete',
        async (socket, input) => {
          await deleteMessage(ctx, actorOf(socket), input);
          return {};
        },
        writes,
      ),
      // Typing is a hint: like every chat:* event it needs membership of the group (not a
      // joined room; strangers get NOT_FOUND/FORBIDDEN in the ack, optional for this event), volatile,
      // never to the typist's sockets; nothing is stored.
      handle(
        ctx,
        'chat:typing',
        async (socket, { groupId }) => {
          const userId = socket.data.userId;
          // A socket in the room is a member (removal and deletion empty it at once), so the
          // database is asked only for sockets that never joined: no query per keystroke.
          if (!socket.rooms.has(groupRoom(groupId))) await checkTyping(ctx, actorOf(socket), { groupId });
          socket.volatile.to(groupRoom(groupId)).except(userRoom(userId)).emit('chat:typing', { groupId, userId });
          return {};
        },
        { limit: 'typing' },
      ),
      handle(
        ctx,
        'chat:read',
        async (socket, input) => {
          await markRead(ctx, actorOf(socket), input);
          return {};
        },
        writes,
      ),
    ],
  };
}
