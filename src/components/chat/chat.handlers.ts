import type { Actor, AppContext } from '../../context';
import { groupRoom, userRoom } from '../../realtime/events';
import { handle, type IoSocket } from '../../realtime/socket-handler';
import { checkTyping, deleteMessage, editMessage, sendMessage } from './chat.service';
import { markRead } from './reads.service';

/** `chat:send` / `chat:edit` / `chat:delete` / `chat:typing` / `chat:read`. */
export function registerChatHandlers(ctx: AppContext, socket: IoSocket): void {
  const actor: Actor = { userId: socket.data.userId, username: socket.data.username, socketId: socket.id };
  const writes = { limit: 'writes' } as const;
  handle(ctx, socket, 'chat:send', async (input) => ({ message: await sendMessage(ctx, actor, input) }), writes);
  handle(ctx, socket, 'chat:edit', async (input) => ({ message: await editMessage(ctx, actor, input) }), writes);
  handle(
    ctx,
    socket,
    'chat:delete',
    async (input) => {
      await deleteMessage(ctx, actor, input);
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
      if (!socket.rooms.has(groupRoom(groupId))) await checkTyping(ctx, actor, { groupId });
      socket.volatile.to(groupRoom(groupId)).except(userRoom(actor.userId)).emit('chat:typing', { groupId, userId: actor.userId });
      return {};
    },
    { limit: 'typing' },
  );
  handle(
    ctx,
    socket,
    'chat:read',
    async (input) => {
      await markRead(ctx, actor, input);
      return {};
    },
    writes,
  );
}
