import type { Actor, AppContext } from '../../context';
import { decodeCursor, idPage, isIdCursor } from '../../lib/cursor';
import { notFound } from '../../lib/errors';
import type { NotificationDto } from '../../realtime/events';
import * as notifications from './notifications.repository';
import { toNotificationDto } from './notify';

/** My notifications, newest first, paged by `{id}` cursor. */
export async function listNotifications(
  ctx: AppContext,
  actor: Actor,
  query: { unread?: 'true' | 'false'; limit: number; cursor?: string },
): Promise<{ items: NotificationDto[]; nextCursor: string | null }> {
  const before = decodeCursor(query.cursor, isIdCursor)?.id;
  const rows = await notifications.notificationsOf(ctx.sequelize, actor.userId, { unreadOnly: query.unread === 'true', before, limit: query.limit + 1 });
  const { page, nextCursor } = idPage(rows, query.limit);
  return { items: page.map(toNotificationDto), nextCursor };
}

export async function unreadCount(ctx: AppContext, actor: Actor): Promise<{ count: number }> {
  return { count: await notifications.countUnread(ctx.sequelize, actor.userId) };
}

export async function markAllRead(ctx: AppContext, actor: Actor): Promise<void> {
  await notifications.markAllRead(ctx.sequelize, actor.userId);
}

/** Marks one of my notifications read; anyone else's is NOT_FOUND. */
export async function markRead(ctx: AppContext, actor: Actor, input: { notificationId: number }): Promise<void> {
  if (!(await notifications.markRead(ctx.sequelize, actor.userId, input.notificationId))) throw notFound('Notification');
}
