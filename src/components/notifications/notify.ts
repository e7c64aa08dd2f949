import type { Transaction } from 'sequelize';
import type { AppContext } from '../../context';
import type { Notification, NotificationType } from '../../db/models';
import type { NotificationDto } from '../../realtime/events';
import { preferencesOf, wantsNotification } from '../users';
import { insertNotifications, type NotificationRecord } from './notifications.repository';

export function toNotificationDto(n: Pick<Notification, 'id' | 'notificationType' | 'notificationMessage' | 'data' | 'isRead' | 'createdAt'>): NotificationDto {
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
async function wanted(ctx: AppContext, items: NewNotification[], tx?: Transaction): Promise<NewNotification[]> {
  const preferences = await preferencesOf(tx ?? ctx.sequelize, [...new Set(items.map((item) => item.userId))]);
  return items.filter((item) => wantsNotification(preferences.get(item.userId), item.type));
}

/**
 * The one place notifications are created: stores them (unless the recipient turned that
 * category off), then pushes `notification:new` to each user's sockets. Inside a
 * transaction, the push waits for the commit so no client hears of a notification that
 * was rolled back.
 */
export async function notify(ctx: AppContext, all: NewNotification[], tx?: Transaction): Promise<NotificationRecord[]> {
  if (all.length === 0) return [];
  const items = await wanted(ctx, all, tx);
  if (items.length === 0) return [];
  const rows = await insertNotifications(
    tx ?? ctx.sequelize,
    items.map((item) => ({
      userId: item.userId,
      notificationType: item.type,
      notificationMessage: item.message.slice(0, 255),
      data: item.data ?? {},
    })),
  );
  const push = (): void => {
    for (const row of rows) ctx.broadcast.toUser(row.userId, 'notification:new', { notification: toNotificationDto(row) });
  };
  if (tx) tx.afterCommit(push);
  else push();
  return rows;
}
