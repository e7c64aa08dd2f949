import type { Api, AppContext } from '../../context';
import { IdParams, NotificationPageSchema, NotificationsQuery, UnreadCountSchema } from '../../shared/contract';
import { listNotifications, markAllRead, markRead, unreadCount } from './notifications.service';

export function registerNotificationRoutes(api: Api, ctx: AppContext): void {
  const tags = ['Notifications'];
  api.route(
    {
      method: 'get',
      path: '/notifications',
      summary: 'My notifications, newest first',
      tags,
      query: NotificationsQuery,
      response: NotificationPageSchema,
    },
    ({ user, query }) => listNotifications(ctx, user, query),
  );
  api.route(
    {
      method: 'get',
      path: '/notifications/unread-count',
      summary: 'How many unread',
      tags,
      response: UnreadCountSchema,
    },
    ({ user }) => unreadCount(ctx, user),
  );
  api.route({ method: 'post', path: '/notifications/read-all', summary: 'Mark all read', tags, status: 204 }, ({ user }) => markAllRead(ctx, user));
  api.route(
    { method: 'post', path: '/notifications/:id/read', summary: 'Mark one read', tags, params: IdParams, status: 204, errors: [404] },
    ({ user, params }) => markRead(ctx, user, { notificationId: params.id }),
  );
}
