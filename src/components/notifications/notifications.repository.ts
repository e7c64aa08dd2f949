import type { InferAttributes } from 'sequelize';
import { Op, type WhereOptions } from 'sequelize';
import { type Db, within } from '../../db/access';
import { Notification, type NotificationType } from '../../db/models';

/** The only data access of notifications (`notifications`). Returns plain objects. */

export type NotificationRecord = InferAttributes<Notification>;

export async function insertNotifications(
  db: Db,
  items: Array<{ userId: string; notificationType: NotificationType; notificationMessage: string; data: Record<string, unknown> }>,
): Promise<NotificationRecord[]> {
  const rows = await Notification.bulkCreate(items, { ...within(db), returning: true });
  return rows.map((row) => row.get({ plain: true }) as NotificationRecord);
}

/** The user's notifications newest first: `limit` of them, below id `before`, optionally unread only. */
export async function notificationsOf(db: Db, userId: string, page: { unreadOnly: boolean; before?: number; limit: number }): Promise<NotificationRecord[]> {
  const where: WhereOptions<Notification> = { userId };
  if (page.unreadOnly) Object.assign(where, { isRead: false });
  if (page.before !== undefined) Object.assign(where, { id: { [Op.lt]: page.before } });
  const rows = await Notification.findAll({ where, order: [['id', 'DESC']], limit: page.limit, ...within(db) });
  return rows.map((row) => row.get({ plain: true }) as NotificationRecord);
}

export function countUnread(db: Db, userId: string): Promise<number> {
  return Notification.count({ where: { userId, isRead: false }, ...within(db) });
}

export async function markAllRead(db: Db, userId: string): Promise<void> {
  await Notification.update({ isRead: true }, { where: { userId, isRead: false }, ...within(db) });
}

/** Marks one of the user's notifications read; false when they have no such notification. */
export async function markRead(db: Db, userId: string, id: number): Promise<boolean> {
  const [count] = await Notification.update({ isRead: true }, { where: { id, userId }, ...within(db) });
  return count > 0;
}
