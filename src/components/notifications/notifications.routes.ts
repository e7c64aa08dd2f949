import type { Api, AppContext } from '../../context';
import { NOTIFICATION_TYPES } from '../../db/models/enums';
import { CursorSchema, IdSchema, LimitSchema, z } from '../../lib/validation';
import { listNotifications, markAllRead, markRead, unreadCount } from './notifications.service';

export const NotificationSchema = z
  .object({
    id: z.number().int(),
    notificationType: z.enum(NOTIFICATION_TYPES),
    notificationMessage: z.string(),
    data: z.record(z.string(), z.unknown()),
    isRead: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('Notification');

const NotificationPage = z.object({ items: z.array(NotificationSchema), nextCursor: z.string().nullable() }).openapi('NotificationPage');

export function registerNotificationRoutes(api: Api, ctx: AppContext): void {
  const tags = ['Notifications'];
  api.route(
    {
      method: 'get',
      path: '/notifications',
      summary: 'My notifications, newest first',
      tags,
      query: z.object({ unread: z.enum(['true', 'false']).optional(), limit: LimitSchema(100, 20), cursor: CursorSchema }),
      response: NotificationPage,
    },
    ({ user, query }) => listNotifications(ctx, user, query),
  );
  api.route(
    {
      method: 'get',
      path: '/notifications/unread-count',
      summary: 'How many unread',
      tags,
      response: z.object({ count: z.number().int() }).openapi('UnreadCount'),
    },
    ({ user }) => unreadCount(ctx, user),
  );
  api.route({ method: 'post', path: '/notifications/read-all', summary: 'Mark all read', tags, status: 204 }, ({ user }) => markAllRead(ctx, user));
  api.route(
    { method: 'post', path: '/notifications/:id/read', summary: 'Mark one read', tags, params: z.object({ id: IdSchema }), status: 204, errors: [404] },
    ({ user, params }) => markRead(ctx, user, { notificationId: params.id }),
  );
}
