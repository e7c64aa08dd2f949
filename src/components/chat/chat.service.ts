import type { Actor, AppContext } from '../../context';
import type { Db } from '../../db/access';
import { AppError, notFound, validationFailed } from '../../lib/errors';
import type { MessageDto } from '../../realtime/events';
import { authorize, groupAccess, groupListChanged, requireAccess, requireCachedAccess } from '../groups';
import { notify } from '../notifications';
import * as chat from './chat.repository';
import { announceActivity } from './chat.activity';
import { commitMessage } from './chat.commit';
import { toMessageDto, toReplyTo } from './chat.dto';
import { contentProblem, extractMentions } from './chat.rules';

export interface SendInput {
  groupId: number;
  content: string;
  messageType?: 'text' | 'image';
  replyToId?: number | null;
  clientMessageId?: string;
}

const dtoOf = (m: chat.MessageView): MessageDto => toMessageDto(m, m.author?.username ?? '');

function checkContent(messageType: 'text' | 'image', content: string): void {
  const problem = contentProblem(messageType, content);
  if (problem) throw validationFailed([{ field: 'content', message: problem }], `Invalid content: ${problem}`);
}

/** The answer to a resend: the stored message, if it was sent to the same group. */
function resent(existing: chat.MessageView, groupId: number): MessageDto {
  if (existing.groupId !== groupId) throw new AppError('CONFLICT', 'This clientMessageId was already used for another group');
  return dtoOf(existing);
}

/**
 * Sends a chat message. The caller has taken the per-user limits first (the write token
 * and the chat window, in Redis: a flood is refused before any database work; one
 * script for `chat:send`, chat.handlers.ts; the writes bucket then the window for
 * `POST /groups/:id/messages`, chat.routes.ts). Then membership (through the cache),
 * then ONE statement that stores the message unless `clientMessageId` was already used
 * (`ON CONFLICT DO NOTHING`; the stored message is answered, no second broadcast) or
 * `replyToId` is not a message of the group, and reads the quote. Mentions'
 * notifications go in the same transaction as the insert. `chat:message` goes out only
 * after the commit, so every broadcast message is in the history. A resend counts
 * against the rate limit like any send. Then the members hear `group:activity`
 * (coalesced, chat.activity.ts) for their group list's badges.
 */
export async function sendMessage(ctx: AppContext, actor: Actor, input: SendInput): Promise<MessageDto> {
  const { groupId } = input;
  const { group } = await requireCachedAccess(ctx, groupId, actor.userId, 'chat.send');
  const messageType = input.messageType ?? 'text';
  checkContent(messageType, input.content);
  const values = {
    userId: actor.userId,
    groupId,
    content: input.content,
    messageType,
    replyToId: input.replyToId ?? null,
    clientMessageId: input.clientMessageId ?? null,
  };
  const names = extractMentions(input.content).filter((name) => name !== actor.username);
  const stored =
    names.length === 0
      ? await commitMessage(ctx, values)
      : await ctx.sequelize.transaction(async (tx) => {
          const inserted = await chat.insertMessageOnce(tx, values);
          const created = inserted.message;
          if (!created) return inserted;
          const mentioned = await chat.membersNamed(tx, groupId, names, actor.userId);
          await notify(
            ctx,
            mentioned.map((userId) => ({
              userId,
              type: 'mention' as const,
              message: `${actor.username} mentioned you in ${group.groupName}`,
              data: { groupId, messageId: created.id },
            })),
            tx,
          );
          return inserted;
        });
  if (!stored.message) {
    // Not stored: a resend (this clientMessageId is taken; a concurrent first send has
    // committed by now, ON CONFLICT waited for it), or a reply to a message elsewhere.
    if (input.clientMessageId) {
      const existing = await chat.findByClientId(ctx.sequelize, actor.userId, input.clientMessageId);
      if (existing) return resent(existing, groupId);
    }
    if (input.replyToId != null && !stored.parent)
      throw validationFailed([{ field: 'replyToId', message: 'must be a message of this group' }], 'Invalid replyToId');
    throw new AppError('INTERNAL', 'The message was not stored');
  }
  const dto = toMessageDto(stored.message, actor.username, toReplyTo(stored.parent));
  // Unread counts and lastMessageAt in members' GET /api/groups (commitMessage drops them for its batches).
  if (names.length > 0) void groupListChanged(ctx, groupId);
  ctx.broadcast.toGroup(groupId, 'chat:message', { message: dto });
  announceActivity(ctx, groupId, dto.createdAt);
  return dto;
}

/**
 * A live message and the caller's access to its group: NOT_FOUND when absent, deleted,
 * or in a private group they are not in. Membership is checked first: a non-member
 * learns nothing about the message (not even that it was deleted).
 */
async function loadVisible(db: Db, messageId: number, userId: string) {
  const message = await chat.findMessage(db, messageId);
  if (!message) throw notFound('Message');
  const access = await groupAccess(db, message.groupId, userId);
  authorize('chat.read', access);
  if (message.isDeleted) throw notFound('Message');
  return { message, access };
}

/** Edits one's own live message (`isEdited` set) and broadcasts `chat:edited`. */
export async function editMessage(ctx: AppContext, actor: Actor, input: { messageId: number; content: string }): Promise<MessageDto> {
  const { message, access } = await loadVisible(ctx.sequelize, input.messageId, actor.userId);
  authorize('chat.edit', access, { own: message.userId === actor.userId });
  checkContent(message.messageType, input.content);
  if (!(await chat.editLiveMessage(ctx.sequelize, message.id, input.content))) throw notFound('Message');
  const edited = await chat.findMessageView(ctx.sequelize, message.id);
  if (!edited) throw notFound('Message');
  const dto = dtoOf(edited);
  ctx.broadcast.toGroup(message.groupId, 'chat:edited', { message: dto });
  return dto;
}

/** Soft-deletes a message (author, leader or admin): the text is erased, `chat:deleted` broadcast. */
export async function deleteMessage(ctx: AppContext, actor: Actor, input: { messageId: number }): Promise<void> {
  const { message, access } = await loadVisible(ctx.sequelize, input.messageId, actor.userId);
  authorize('chat.delete', access, { own: message.userId === actor.userId });
  if (!(await chat.deleteLiveMessage(ctx.sequelize, message.id))) throw notFound('Message');
  void groupListChanged(ctx, message.groupId);
  ctx.broadcast.toGroup(message.groupId, 'chat:deleted', { groupId: message.groupId, messageId: message.id });
}

/**
 * History of a group, members only: `before` (or nothing) → newest first; `after` →
 * oldest first (catch-up). `nextCursor` is the id to pass as the same parameter next.
 */
export async function listMessages(
  ctx: AppContext,
  actor: Actor,
  input: { groupId: number; before?: number; after?: number; limit: number },
): Promise<{ items: MessageDto[]; nextCursor: string | null }> {
  await requireAccess(ctx.sequelize, input.groupId, actor.userId, 'chat.read');
  const rows = await chat.messagesOf(ctx.sequelize, input.groupId, { before: input.before, after: input.after, limit: input.limit + 1 });
  const more = rows.length > input.limit;
  const items = rows.slice(0, input.limit).map(dtoOf);
  const last = items.at(-1);
  return { items, nextCursor: more && last ? String(last.id) : null };
}

/** `chat:typing`: only members may say they are typing (nothing is stored). */
export async function checkTyping(ctx: AppContext, actor: Actor, input: { groupId: number }): Promise<void> {
  await requireCachedAccess(ctx, input.groupId, actor.userId, 'chat.send');
}
