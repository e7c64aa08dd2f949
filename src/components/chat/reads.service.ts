import type { Actor, AppContext } from '../../context';
import { validationFailed } from '../../lib/errors';
import { requireAccess, userListChanged } from '../groups';
import { advanceReadMarker, isMessageOfGroup } from './reads.repository';

/**
 * `chat:read` / `POST /groups/:id/read` (issue 16): the member has read the group up to
 * `messageId`. Members only (strangers get the group routes' NOT_FOUND / FORBIDDEN); the
 * message must be one of the group's (VALIDATION_FAILED otherwise, as a `replyToId`); the
 * marker never moves backwards. When it moved, the user's other sockets get `group:read`
 * (after the write: a client that hears it and refetches sees the new count).
 */
export async function markRead(ctx: AppContext, actor: Actor, input: { groupId: number; messageId: number }): Promise<void> {
  const { groupId, messageId } = input;
  await requireAccess(ctx.sequelize, groupId, actor.userId, 'chat.read');
  if (!(await isMessageOfGroup(ctx.sequelize, messageId, groupId))) {
    throw validationFailed([{ field: 'messageId', message: 'must be a message of this group' }], 'Invalid messageId');
  }
  if (await advanceReadMarker(ctx.sequelize, groupId, actor.userId, messageId)) {
    await userListChanged(ctx, actor.userId);
    ctx.broadcast.toUser(actor.userId, 'group:read', { groupId, lastReadMessageId: messageId }, { exceptSocketId: actor.socketId });
  }
}
