import type { Transaction } from 'sequelize';
import { Notification, type NotificationType } from '../../db/models';
import type { AppContext } from '../../lib/context';
import type { NotificationDto } from '../../realtime/events';

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

/**
 * The one place notifications are created: stores them, then pushes `notification:new`
 * to each user's sockets. Inside a transaction, the push waits for the commit so no
 * client hears of a notification that was rolled back.
 */
export async function notify(ctx: AppContext, items: NewNotification[], transaction?: Transaction): Promise<Notification[]> {
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
