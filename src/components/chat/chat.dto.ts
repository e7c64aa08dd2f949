import type { Message } from '../../db/models';
import type { MessageDto } from '../../realtime/events';

export function toMessageDto(message: Message, username: string): MessageDto {
  return {
    id: message.id,
    groupId: message.groupId,
    userId: message.userId,
    username,
    content: message.isDeleted ? null : message.content,
    messageType: message.messageType,
    replyToId: message.replyToId ?? null,
    isEdited: message.isEdited,
    isDeleted: message.isDeleted,
    createdAt: message.createdAt.toISOString(),
    updatedAt: message.updatedAt.toISOString(),
  };
}
