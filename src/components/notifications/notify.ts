import type { Transaction } from 'sequelize';
import { Op } from 'sequelize';
import { Notification, User, type NotificationType } from '../../db/models';
import type { AppContext } from '../../context';
import type { NotificationDto } from '../../realtime/events';
import { wantsNotification } from '../users/preferences.rules';

export function toNotificationDto(n: Notification): NotificationDto {
  return {
    id: n.id,
    notificationType: n.notificationType,
    notificationMessage: n.notificationMessage,
    data: n.data ?? {},
    isRead: n.isRead,
    createdAt: n.createdAt.toISOString(),
  };
}

export interface NewNotification {
  userId: string;
  type: NotificationType;
  message: string;
  data?: Record<string, unknown>;
}

/** Drops the items whose recipient turned that category off (`preferences.notifications`). */
async function wanted(items: NewNotification[], transaction?: Transaction): Promise<NewNotification[]> {
  const ids = [...new Set(items.map((item) => item.userId))];
  const users = await User.findAll({ where: { userId: { [Op.in]: ids } }, attributes: ['userId', 'preferences'], transaction });
  const preferences = new Map(users.map((u) => [u.userId, u.preferences]));
  return items.filter((item) => wantsNotification(preferences.get(item.userId), item.type));
}

/**
 * The one place notifications are created: stores them (unless the recipient turned that
 * category off), then pushes `notification:new` to each user's sockets. Inside a
 * transaction, the push waits for the commit so no client hears of a notification that
 * was rolled back.
 */
export async function notify(ctx: AppContext, all: NewNotification[], transaction?: Transaction): Promise<Notification[]> {
  if (all.length === 0) return [];
  const items = await wanted(all, transaction);
  if (items.length === 0) return [];
  const rows = await Notification.bulkCreate(
    items.map((item) => ({
      userId: item.userId,
      notificationType: item.type,
      notificationMessage: item.message.slice(0, 255),
      data: item.data ?? {},
    })),
    { transaction, returning: true },
  );
  const push = (): void => {
    for (const row of rows) ctx.broadcast.toUser(row.userId, 'notification:new', { notification: toNotificationDto(row) });
  };
  if (transaction) transaction.afterCommit(push);
  else push();
  return rows;
}
