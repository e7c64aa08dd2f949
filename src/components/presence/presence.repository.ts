import { type Db, within } from '../../db/access';
import { Grouping, User } from '../../db/models';

/**
 * The only data access of presence: the mirror of live presence in
 * `groupings.is_connected` / `last_seen`, and the members a room lists.
 */

/** Records a member's presence transition. */
export async function setConnected(db: Db, groupId: number, userId: string, online: boolean, at: Date): Promise<void> {
  await Grouping.update({ isConnected: online, lastSeen: at }, { where: { groupId, userId }, ...within(db) });
}

/** Every member still marked connected goes offline (the group was deleted). */
export async function disconnectAll(db: Db, groupId: number, at: Date): Promise<void> {
  await Grouping.update({ isConnected: false, lastSeen: at }, { where: { groupId, isConnected: true }, ...within(db) });
}

/** The group's members with their names, longest-standing first. */
export async function roomMembers(db: Db, groupId: number): Promise<Array<{ userId: string; username: string }>> {
  const rows = await Grouping.findAll({
    where: { groupId },
    include: [{ model: User, as: 'user', attributes: ['username'] }],
    order: [['joinedAt', 'ASC']],
    ...within(db),
  });
  return rows.map((m) => ({ userId: m.userId, username: m.user?.username ?? '' }));
}
