import type { Message } from '../../db/models';
import type { MessageDto, ReplyToDto } from '../../realtime/events';
import { excerpt } from './chat.rules';

/** A message and the message it replies to, as the chat repository reads them (plain objects). */
type ReplyToFields = Pick<Message, 'id' | 'content' | 'isDeleted'> & { author?: { username: string } | null };
type MessageFields = Pick<
  Message,
  'id' | 'groupId' | 'userId' | 'content' | 'messageType' | 'replyToId' | 'isEdited' | 'isDeleted' | 'createdAt' | 'updatedAt'
> & {
  replyTo?: ReplyToFields | null;
};

/** The quote of the message replied to (loaded with its author), or null when there is none or it was deleted. */
export function toReplyTo(parent: ReplyToFields | null | undefined): ReplyToDto | null {
  if (!parent || parent.isDeleted || parent.content === null) return null;
  return { id: parent.id, username: parent.author?.username ?? '', excerpt: excerpt(parent.content) };
}

export function toMessageDto(message: MessageFields, username: string, replyTo: ReplyToDto | null = toReplyTo(message.replyTo)): MessageDto {
  return {
    id: message.id,
    groupId: message.groupId,
    userId: message.userId,
    username,
    content: message.isDeleted ? null : message.content,
    messageType: message.messageType,
    replyToId: message.replyToId ?? null,
    replyTo: message.replyToId == null ? null : replyTo,
    isEdited: message.isEdited,
    isDeleted: message.isDeleted,
    createdAt: message.createdAt.toISOString(),
    updatedAt: message.updatedAt.toISOString(),
  };
}
