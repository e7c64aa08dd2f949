import type { Message } from '../../db/models';
import type { MessageDto, ReplyToDto } from '../../realtime/events';
import { excerpt } from './chat.rules';

/** The quote of the message replied to (loaded with its author), or null when there is none or it was deleted. */
export function toReplyTo(parent: Message | null | undefined): ReplyToDto | null {
  if (!parent || parent.isDeleted || parent.content === null) return null;
  return { id: parent.id, username: parent.author?.username ?? '', excerpt: excerpt(parent.content) };
}

export function toMessageDto(message: Message, username: string, replyTo: ReplyToDto | null = toReplyTo(message.replyTo)): MessageDto {
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
