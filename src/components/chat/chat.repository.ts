import type { IncludeOptions, InferAttributes, WhereOptions } from 'sequelize';
import { Op } from 'sequelize';
import { type Db, plain, selectOne, within } from '../../db/access';
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

/** A message (deleted or not) with its author. */
export async function findMessage(db: Db, messageId: number): Promise<MessageView | null> {
  return plain<MessageView>(await Message.findByPk(messageId, { include: [withAuthor()], ...within(db) }));
}

/** A message with its author and quote. */
export async function findMessageView(db: Db, messageId: number): Promise<MessageView | null> {
  return plain<MessageView>(await Message.findByPk(messageId, { include: [withAuthor(), withReplyTo()], ...within(db) }));
}

interface InsertRow {
  id: number | null;
  user_id: string;
  group_id: number;
  content: string | null;
  message_type: MessageRecord['messageType'];
  reply_to_id: number | null;
  client_message_id: string | null;
  is_edited: boolean;
  is_deleted: boolean;
  created_at: Date;
  updated_at: Date;
  parent_id: number | null;
  parent_content: string | null;
  parent_is_deleted: boolean | null;
  parent_username: string | null;
}

/**
 * The hot path's insert, one statement (one round trip, committed on its own outside a
 * transaction): stores the message unless the user already sent this `clientMessageId`
 * (`ON CONFLICT … DO NOTHING`) or `replyToId` is not a message of the group, and reads
 * the replied-to message (for the quote) in the same statement. Always one row back:
 * `message` null when nothing was stored, `parentFound` whether `replyToId` names a
 * message of the group.
 */
export async function insertMessageOnce(
  db: Db,
  values: {
    userId: string;
    groupId: number;
    content: string;
    messageType: MessageRecord['messageType'];
    replyToId: number | null;
    clientMessageId: string | null;
  },
): Promise<{ message: MessageRecord | null; parent: ReplyTarget | null }> {
  const row = await selectOne<InsertRow>(
    db,
    `WITH parent AS (
       SELECT p.id, p.content, p.is_deleted, pu.username
       FROM messages p LEFT JOIN users pu ON pu.user_id = p.user_id
       WHERE p.id = CAST(:replyToId AS integer) AND p.group_id = :groupId
     ), ins AS (
       INSERT INTO messages (user_id, group_id, content, message_type, reply_to_id, client_message_id)
       SELECT :userId, :groupId, :content, :messageType, CAST(:replyToId AS integer), CAST(:clientMessageId AS varchar)
       WHERE CAST(:replyToId AS integer) IS NULL OR EXISTS (SELECT 1 FROM parent)
       ON CONFLICT (user_id, client_message_id) DO NOTHING
       RETURNING *
     )
     SELECT i.*, p.id AS parent_id, p.content AS parent_content, p.is_deleted AS parent_is_deleted, p.username AS parent_username
     FROM (SELECT 1) AS one LEFT JOIN ins AS i ON true LEFT JOIN parent AS p ON true`,
    { ...values },
  );
  if (!row) throw new Error('insertMessageOnce: no row');
  const parent: ReplyTarget | null =
    row.parent_id === null
      ? null
      : {
          id: row.parent_id,
          content: row.parent_content,
          isDeleted: row.parent_is_deleted === true,
          author: row.parent_username === null ? null : { username: row.parent_username },
        };
  if (row.id === null) return { message: null, parent };
  return {
    message: {
      id: row.id,
      userId: row.user_id,
      groupId: row.group_id,
      content: row.content,
      messageType: row.message_type,
      replyToId: row.reply_to_id,
      clientMessageId: row.client_message_id,
      isEdited: row.is_edited,
      isDeleted: row.is_deleted,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    } as MessageRecord,
    parent,
  };
}

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
