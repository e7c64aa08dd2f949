import type { AppContext } from '../../lib/context';
import { groupRoom, userRoom } from '../../realtime/events';
import { requireMember } from '../groups/group-access';
import { handle, type IoSocket } from '../../realtime/socket-handler';
import { deleteMessage, editMessage, sendMessage } from './chat.service';

/** `chat:send` / `chat:edit` / `chat:delete` / `chat:typing`. */
export function registerChatHandlers(ctx: AppContext, socket: IoSocket): void {
  const user = { userId: socket.data.userId, username: socket.data.username };
  const writes = { limit: 'writes' } as const;
  handle(ctx, socket, 'chat:send', async ({ groupId, ...input }) => ({ message: await sendMessage(ctx, user, groupId, input) }), writes);
  handle(ctx, socket, 'chat:edit', async ({ messageId, content }) => ({ message: await editMessage(ctx, user.userId, messageId, content) }), writes);
  handle(
    ctx,
    socket,
    'chat:delete',
    async ({ messageId }) => {
      await deleteMessage(ctx, user.userId, messageId);
      return {};
    },
    writes,
  );
  // Typing is a hint: like every chat:* event it needs membership of the group (not a
  // joined room; strangers get NOT_FOUND/FORBIDDEN in the ack, optional for this event), volatile,
  // never to the typist's sockets; nothing is stored.
  handle(
    ctx,
    socket,
    'chat:typing',
    async ({ groupId }) => {
      // A socket in the room is a member (removal and deletion empty it at once), so the
      // database is asked only for sockets that never joined: no query per keystroke.
      if (!socket.rooms.has(groupRoom(groupId))) await requireMember(groupId, user.userId);
      socket.volatile.to(groupRoom(groupId)).except(userRoom(user.userId)).emit('chat:typing', { groupId, userId: user.userId });
      return {};
    },
    { limit: 'typing' },
  );
}
