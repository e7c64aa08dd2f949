import { Op, UniqueConstraintError, type IncludeOptions } from 'sequelize';
import { Grouping, Message, User } from '../../db/models';
import type { AppContext } from '../../context';
import { AppError, forbidden, notFound, validationFailed } from '../../lib/errors';
import type { MessageDto } from '../../realtime/events';
import { requireMember } from '../groups/group-access';
import { notify } from '../notifications/notify';
import { toMessageDto, toReplyTo } from './chat.dto';
import { hitChatRateLimit } from './chat.rate-limit';
import { canDelete, canEdit, contentProblem, extractMentions } from './chat.rules';

export interface SendInput {
  content: string;
  messageType?: 'text' | 'image';
  replyToId?: number | null;
  clientMessageId?: string;
}

const withAuthor: IncludeOptions = { model: User, as: 'author', attributes: ['username'] };
/**
 * The replied-to message and its author, in the same query (a self-join), for `replyTo`.
 * A getter: Sequelize annotates include objects, so nested ones must not be shared.
 */
const withReplyTo = (): IncludeOptions => ({
  model: Message,
  as: 'replyTo',
  attributes: ['id', 'content', 'isDeleted'],
  include: [{ model: User, as: 'author', attributes: ['username'] }],
});
const dtoOf = (m: Message): MessageDto => toMessageDto(m, m.author?.username ?? '');

function checkContent(messageType: 'text' | 'image', content: string): void {
  const problem = contentProblem(messageType, content);
  if (problem) throw validationFailed([{ field: 'content', message: problem }], `Invalid content: ${problem}`);
}

async function findByClientId(userId: string, clientMessageId: string): Promise<Message | null> {
  return Message.findOne({ where: { userId, clientMessageId }, include: [withAuthor, withReplyTo()] });
}

/** The answer to a resend: the stored message, if it was sent to the same group. */
function resent(existing: Message, groupId: number): MessageDto {
  if (existing.groupId !== groupId) throw new AppError('CONFLICT', 'This clientMessageId was already used for another group');
  return dtoOf(existing);
}

/**
 * Sends a chat message: membership, then idempotency (`clientMessageId` → the stored
 * message, no second broadcast), the per-user rate limit, and the insert — mentions'
 * notifications in the same transaction. `chat:message` goes out only after the commit,
 * so every broadcast message is in the history.
 */
export async function sendMessage(ctx: AppContext, user: Pick<User, 'userId' | 'username'>, groupId: number, input: SendInput): Promise<MessageDto> {
  const { group } = await requireMember(groupId, user.userId);
  const messageType = input.messageType ?? 'text';
  checkContent(messageType, input.content);
  if (input.clientMessageId) {
    const existing = await findByClientId(user.userId, input.clientMessageId);
    if (existing) return resent(existing, groupId);
  }
  let target: Message | null = null;
  if (input.replyToId != null) {
    target = await Message.findOne({
      where: { id: input.replyToId, groupId },
      attributes: ['id', 'content', 'isDeleted'],
      include: [{ model: User, as: 'author', attributes: ['username'] }],
    });
    if (!target) throw validationFailed([{ field: 'replyToId', message: 'must be a message of this group' }], 'Invalid replyToId');
  }
  await hitChatRateLimit(ctx, user.userId);

  let message: Message;
  try {
    message = await ctx.sequelize.transaction(async (transaction) => {
      const created = await Message.create(
        {
          userId: user.userId,
          groupId,
          content: input.content,
          messageType,
          replyToId: input.replyToId ?? null,
          clientMessageId: input.clientMessageId ?? null,
        },
        { transaction },
      );
      const names = extractMentions(input.content).filter((name) => name !== user.username);
      if (names.length > 0) {
        const mentioned = await Grouping.findAll({
          where: { groupId, userId: { [Op.ne]: user.userId } },
          include: [{ model: User, as: 'user', attributes: ['username'], where: { username: { [Op.in]: names }, deletedAt: null } }],
          transaction,
        });
        await notify(
          ctx,
          mentioned.map((m) => ({
            userId: m.userId,
            type: 'mention' as const,
            message: `${user.username} mentioned you in ${group.groupName}`,
            data: { groupId, messageId: created.id },
          })),
          transaction,
        );
      }
      return created;
    });
  } catch (error) {
    // A concurrent resend with the same clientMessageId inserted first.
    if (error instanceof UniqueConstraintError && input.clientMessageId) {
      const existing = await findByClientId(user.userId, input.clientMessageId);
      if (existing) return resent(existing, groupId);
    }
    throw error;
  }
  const dto = toMessageDto(message, user.username, toReplyTo(target));
  ctx.broadcast.toGroup(groupId, 'chat:message', { message: dto });
  return dto;
}

/** A live message the caller may see: NOT_FOUND when absent, deleted, or in a private group they are not in. */
async function loadVisible(messageId: number, userId: string): Promise<{ message: Message; role: Awaited<ReturnType<typeof requireMember>>['role'] }> {
  const message = await Message.findByPk(messageId, { include: [withAuthor] });
  if (!message) throw notFound('Message');
  // Membership first: a non-member learns nothing about the message (not even that it was deleted).
  const { role } = await requireMember(message.groupId, userId);
  if (message.isDeleted) throw notFound('Message');
  return { message, role };
}

/** Edits one's own live message (`isEdited` set) and broadcasts `chat:edited`. */
export async function editMessage(ctx: AppContext, userId: string, messageId: number, content: string): Promise<MessageDto> {
  const { message } = await loadVisible(messageId, userId);
  if (!canEdit(message.userId, userId)) throw forbidden('Only the author can edit a message');
  checkContent(message.messageType, content);
  // Conditional on the row still being live: an edit racing a delete must not bring the
  // erased text back (the delete wins).
  const [changed] = await Message.update({ content, isEdited: true }, { where: { id: message.id, isDeleted: false } });
  if (changed === 0) throw notFound('Message');
  await message.reload({ include: [withAuthor, withReplyTo()] });
  const dto = dtoOf(message);
  ctx.broadcast.toGroup(message.groupId, 'chat:edited', { message: dto });
  return dto;
}

/** Soft-deletes a message (author, leader or admin): the text is erased, `chat:deleted` broadcast. */
export async function deleteMessage(ctx: AppContext, userId: string, messageId: number): Promise<void> {
  const { message, role } = await loadVisible(messageId, userId);
  if (!canDelete(message.userId, userId, role)) throw forbidden('Only the author, a leader or an admin can delete a message');
  const [changed] = await Message.update({ content: null, isDeleted: true }, { where: { id: message.id, isDeleted: false } });
  if (changed === 0) throw notFound('Message');
  ctx.broadcast.toGroup(message.groupId, 'chat:deleted', { groupId: message.groupId, messageId: message.id });
}

/**
 * History of a group, members only: `before` (or nothing) → newest first; `after` →
 * oldest first (catch-up). `nextCursor` is the id to pass as the same parameter next.
 */
export async function listMessages(
  userId: string,
  groupId: number,
  query: { before?: number; after?: number; limit: number },
): Promise<{ items: MessageDto[]; nextCursor: string | null }> {
  await requireMember(groupId, userId);
  const forward = query.after !== undefined;
  const where =
    query.after !== undefined
      ? { groupId, id: { [Op.gt]: query.after } }
      : query.before !== undefined
        ? { groupId, id: { [Op.lt]: query.before } }
        : { groupId };
  const rows = await Message.findAll({ where, include: [withAuthor, withReplyTo()], order: [['id', forward ? 'ASC' : 'DESC']], limit: query.limit + 1 });
  const more = rows.length > query.limit;
  const items = rows.slice(0, query.limit).map(dtoOf);
  const last = items.at(-1);
  return { items, nextCursor: more && last ? String(last.id) : null };
}
