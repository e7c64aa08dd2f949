import { type Db, selectOne } from '../../db/access';

/**
 * Read markers (issue 16): `groupings.last_read_message_id`, the last message of the
 * group a member has read. Returns plain values.
 */

/** Is `messageId` a message (live or deleted) of `groupId`? */
export async function isMessageOfGroup(db: Db, messageId: number, groupId: number): Promise<boolean> {
  return (await selectOne(db, 'SELECT 1 AS one FROM messages WHERE id = :messageId AND group_id = :groupId', { messageId, groupId })) !== null;
}

/**
 * Moves the member's marker forward to `messageId`, in one conditional UPDATE (so two
 * racing reads can only leave the larger id): true when it moved, false when it was
 * already there or beyond (or the membership is gone).
 */
export async function advanceReadMarker(db: Db, groupId: number, userId: string, messageId: number): Promise<boolean> {
  const row = await selectOne(
    db,
    `UPDATE groupings SET last_read_message_id = :messageId
      WHERE group_id = :groupId AND user_id = :userId
        AND (last_read_message_id IS NULL OR last_read_message_id < :messageId)
      RETURNING last_read_message_id`,
    { groupId, userId, messageId },
  );
  return row !== null;
}
