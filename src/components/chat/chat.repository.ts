import type { IncludeOptions, InferAttributes, WhereOptions } from 'sequelize';
import { Op } from 'sequelize';
import { type Db, plain, selectPrepared, within } from '../../db/access';
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

interface InsertedRow {
  kind: 'i';
  /** 1-based position of the message in the list. */
  n: string | number;
  id: number;
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
}

interface ParentRow {
  kind: 'p';
  /** 1-based position of the message (of the list) that replies to it. */
  n: string | number;
  id: number;
  content: string | null;
  is_deleted: boolean;
  username: string | null;
}

export interface NewMessage {
  userId: string;
  groupId: number;
  content: string;
  messageType: MessageRecord['messageType'];
  replyToId: number | null;
  clientMessageId: string | null;
}

export interface InsertOutcome {
  /** null when nothing was stored: the clientMessageId was taken, or replyToId is not a message of the group. */
  message: MessageRecord | null;
  /** The replied-to message when `replyToId` names a message of the group. */
  parent: ReplyTarget | null;
}

/**
 * The hot path's insert, one statement for many messages (one round trip, committed on
 * its own outside a transaction; the chat's group commit): stores each message unless its
 * user already sent its `clientMessageId` (`ON CONFLICT … DO NOTHING`, within the list too:
 * the first one is stored) or its `replyToId` is not a message of its group, and reads
 * the replied-to messages (for the quotes) in the same statement. Outcomes in the list's
 * order. Each message's id is drawn from the sequence in list order before the insert
 * (a skipped message leaves a gap, as a rolled-back insert does), so a stored row is
 * matched to its message by id, never by its values. A prepared statement on the pool
 * (`selectPrepared`): its columns are named, not `*`, so a column added by a migration does
 * not change its result type under the running nodes.
 */
export async function insertMessagesOnce(db: Db, list: readonly NewMessage[]): Promise<InsertOutcome[]> {
  if (list.length === 0) return [];
  const rows = await selectPrepared<InsertedRow | ParentRow>(
    db,
    'chat-insert-messages',
    `WITH v AS (
       SELECT o.*, nextval(pg_get_serial_sequence('messages', 'id')) AS id
         FROM (SELECT * FROM unnest($1::varchar[], $2::int[], $3::text[], $4::varchar[], $5::int[], $6::varchar[])
                 WITH ORDINALITY AS u(user_id, group_id, content, message_type, reply_to_id, client_message_id, n)
                ORDER BY n) AS o
     ), parent AS (
       SELECT v.n, p.id, p.content, p.is_deleted, pu.username
         FROM v JOIN messages p ON p.id = v.reply_to_id AND p.group_id = v.group_id
         LEFT JOIN users pu ON pu.user_id = p.user_id
     ), ins AS (
       INSERT INTO messages (id, user_id, group_id, content, message_type, reply_to_id, client_message_id)
       SELECT v.id, v.user_id, v.group_id, v.content, v.message_type, v.reply_to_id, v.client_message_id
         FROM v WHERE v.reply_to_id IS NULL OR EXISTS (SELECT 1 FROM parent WHERE parent.n = v.n)
        ORDER BY v.n
       ON CONFLICT (user_id, client_message_id) DO NOTHING
       RETURNING id, user_id, group_id, content, message_type, reply_to_id, client_message_id, is_edited, is_deleted, created_at, updated_at
     )
     SELECT 'i' AS kind, v.n, i.id, i.user_id, i.group_id, i.content, i.message_type, i.reply_to_id, i.client_message_id,
            i.is_edited, i.is_deleted, i.created_at, i.updated_at, NULL::varchar AS username
       FROM ins i JOIN v ON v.id = i.id
     UNION ALL
     SELECT 'p', p.n, p.id, NULL, NULL, p.content, NULL, NULL, NULL, NULL, p.is_deleted, NULL, NULL, p.username FROM parent p`,
    [
      list.map((m) => m.userId),
      list.map((m) => m.groupId),
      list.map((m) => m.content),
      list.map((m) => m.messageType),
      list.map((m) => m.replyToId),
      list.map((m) => m.clientMessageId),
    ],
  );
  const outcomes: InsertOutcome[] = list.map(() => ({ message: null, parent: null }));
  for (const row of rows) {
    const outcome = outcomes[Number(row.n) - 1];
    if (!outcome) throw new Error('insertMessagesOnce: a row of no message of the list');
    if (row.kind === 'p') {
      outcome.parent = {
        id: row.id,
        content: row.content,
        isDeleted: row.is_deleted === true,
        author: row.username === null ? null : { username: row.username },
      };
      continue;
    }
    outcome.message = {
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
    } as MessageRecord;
  }
  return outcomes;
}

/** `insertMessagesOnce` for one message (inside a transaction, with its mentions). */
export async function insertMessageOnce(db: Db, values: NewMessage): Promise<InsertOutcome> {
  const [outcome] = await insertMessagesOnce(db, [values]);
  return outcome as InsertOutcome;
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
