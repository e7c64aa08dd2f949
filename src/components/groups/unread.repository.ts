import { type Db, select } from '../../db/access';
import { UNREAD_COUNT_CAP } from '../../shared/contract';

/**
 * The caller's unread state per group (issue 16), for `GET /api/groups`: a read of its
 * own beside the group rows, so either query can change shape without the other.
 */
export interface UnreadState {
  /** Live messages by others after the member's read marker, at most UNREAD_COUNT_CAP. */
  unreadCount: number;
  /** The group's newest live message's time, or null. */
  lastMessageAt: Date | null;
}

/**
 * One row per membership of `userId`. Both subqueries walk `messages_group_id_id_idx`
 * from the newest message down: the count stops at the cap, the newest at its first live row.
 */
export async function unreadByGroup(db: Db, userId: string): Promise<Map<number, UnreadState>> {
  const rows = await select<{ groupId: number; unreadCount: number; lastMessageAt: Date | null }>(
    db,
    `SELECT g.group_id AS "groupId",
            (SELECT count(*) FROM (
               SELECT 1 FROM messages m
                WHERE m.group_id = g.group_id AND m.id > COALESCE(g.last_read_message_id, 0)
                  AND m.user_id <> g.user_id AND NOT m.is_deleted
                LIMIT :cap) unread)::int AS "unreadCount",
            (SELECT m.created_at FROM messages m
              WHERE m.group_id = g.group_id AND NOT m.is_deleted
              ORDER BY m.id DESC LIMIT 1) AS "lastMessageAt"
       FROM groupings g
      WHERE g.user_id = :userId`,
    { userId, cap: UNREAD_COUNT_CAP },
  );
  return new Map(
    rows.map((r) => [Number(r.groupId), { unreadCount: Number(r.unreadCount), lastMessageAt: r.lastMessageAt ? new Date(r.lastMessageAt) : null }]),
  );
}
