import type { CreationAttributes, IncludeOptions, InferAttributes, WhereOptions } from 'sequelize';
import { Op, UniqueConstraintError } from 'sequelize';
import { type Db, plain, within } from '../../db/access';
import { Grouping, Message, User } from '../../db/models';

/** The only data access of chat (`messages`, and the members a message mentions). Returns plain objects. */

export type MessageRecord = InferAttributes<Message>;
/** The message replied to, as a quote shows it. */
export type ReplyTarget = Pick<MessageRecord, 'id' | 'content' | 'isDeleted'> & { author?: { username: string } | null };
/** A message with its author's name and the message it replies to (for the Message DTO). */
export type MessageView = MessageRecord & { author?: { username: string } | null; replyTo?: ReplyTarget | null };

const withAuthor = (): IncludeOptions => ({ model: User, as: 'author', attributes: ['username'] });
/**
 * The replied-to message and its author, in the same query (a self-join), for `replyTo`.
 * A getter: Sequelize annotates include objects, so nested ones must not be shared.
 */
const withReplyTo = (): IncludeOptions => ({
  model: Message,
  as: 'replyTo',
  attributes: ['id', 'content', 'isDeleted'],
  include: [withAuthor()],
});

/** The user's message sent with this `clientMessageId`, if any. */
export async function findByClientId(db: Db, userId: string, clientMessageId: string): Promise<MessageView | null> {
  return plain<MessageView>(await Message.findOne({ where: { userId, clientMessageId }, include: [withAuthor(), withReplyTo()], ...within(db) }));
}

/** A message of the group (deleted or not) that a reply may quote. */
export async function findReplyTarget(db: Db, messageId: number, groupId: number): Promise<ReplyTarget | null> {
  return plain<ReplyTarget>(
    await Message.findOne({ where: { id: messageId, groupId }, attributes: ['id', 'content', 'isDeleted'], include: [withAuthor()], ...within(db) }),
  );
}

/** A message (deleted or not) with its author. */
export async function findMessage(db: Db, messageId: number): Promise<MessageView | null> {
  return plain<MessageView>(await Message.findByPk(messageId, { include: [withAuthor()], ...within(db) }));
}

/** A message with its author and quote. */
export async function findMessageView(db: Db, messageId: number): Promise<MessageView | null> {
  return plain<MessageView>(await Message.findByPk(messageId, { include: [withAuthor(), withReplyTo()], ...within(db) }));
}

export async function insertMessage(
  db: Db,
  values: Pick<CreationAttributes<Message>, 'userId' | 'groupId' | 'content' | 'messageType' | 'replyToId' | 'clientMessageId'>,
): Promise<MessageRecord> {
  const created = await Message.create(values, within(db));
  return created.get({ plain: true }) as MessageRecord;
}

/** An insert refused because the user already sent a message with this `clientMessageId`. */
export const isDuplicateClientId = (error: unknown): boolean => error instanceof UniqueConstraintError;

/** The group's members (not `exceptUserId`, not deleted accounts) whose username is one of `names`. */
export async function membersNamed(db: Db, groupId: number, names: string[], exceptUserId: string): Promise<string[]> {
  const rows = await Grouping.findAll({
    where: { groupId, userId: { [Op.ne]: exceptUserId } },
    include: [{ model: User, as: 'user', attributes: ['username'], where: { username: { [Op.in]: names }, deletedAt: null } }],
    ...within(db),
  });
  return rows.map((m) => m.userId);
}

/**
 * Changes the text of a live message (marked edited); false when it is gone. Conditional
 * on the row still being live: an edit racing a delete must not bring the erased text back.
 */
export async function editLiveMessage(db: Db, messageId: number, content: string): Promise<boolean> {
  const [changed] = await Message.update({ content, isEdited: true }, { where: { id: messageId, isDeleted: false }, ...within(db) });
  return changed > 0;
}

/** Soft-deletes a live message, erasing its text; false when it was already gone. */
export async function deleteLiveMessage(db: Db, messageId: number): Promise<boolean> {
  const [changed] = await Message.update({ content: null, isDeleted: true }, { where: { id: messageId, isDeleted: false }, ...within(db) });
  return changed > 0;
}

/** A page of the group's history: `before` (or nothing) newest first, `after` oldest first; `limit` rows. */
export async function messagesOf(db: Db, groupId: number, page: { before?: number; after?: number; limit: number }): Promise<MessageView[]> {
  const forward = page.after !== undefined;
  const where: WhereOptions<Message> =
    page.after !== undefined ? { groupId, id: { [Op.gt]: page.after } } : page.before !== undefined ? { groupId, id: { [Op.lt]: page.before } } : { groupId };
  const rows = await Message.findAll({
    where,
    include: [withAuthor(), withReplyTo()],
    order: [['id', forward ? 'ASC' : 'DESC']],
    limit: page.limit,
    ...within(db),
  });
  return rows.map((row) => row.get({ plain: true }) as MessageView);
}
