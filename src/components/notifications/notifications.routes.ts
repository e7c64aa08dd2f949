import { Op, type WhereOptions } from 'sequelize';
import { Notification } from '../../db/models';
import type { AppContext } from '../../lib/context';
import { decodeCursor, idPage, isIdCursor } from '../../lib/cursor';
import { notFound } from '../../lib/errors';
import type { ApiRouter } from '../../lib/http/api-router';
import { IdParams, NotificationPageSchema, NotificationsQuery, UnreadCountSchema } from '../../shared/contract';
import { toNotificationDto } from './notify';

export function registerNotificationRoutes(api: ApiRouter, _ctx: AppContext): void {
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
    async ({ user, query }) => {
      const before = decodeCursor(query.cursor, isIdCursor)?.id;
      const where: WhereOptions<Notification> = { userId: user.userId };
      if (query.unread === 'true') Object.assign(where, { isRead: false });
      if (before !== undefined) Object.assign(where, { id: { [Op.lt]: before } });
      const rows = await Notification.findAll({ where, order: [['id', 'DESC']], limit: query.limit + 1 });
      const { page, nextCursor } = idPage(rows, query.limit);
      return { items: page.map(toNotificationDto), nextCursor };
    },
  );
  api.route(
    {
      method: 'get',
      path: '/notifications/unread-count',
      summary: 'How many unread',
      tags,
      response: UnreadCountSchema,
    },
    async ({ user }) => ({ count: await Notification.count({ where: { userId: user.userId, isRead: false } }) }),
  );
  api.route({ method: 'post', path: '/notifications/read-all', summary: 'Mark all read', tags, status: 204 }, async ({ user }) => {
    await Notification.update({ isRead: true }, { where: { userId: user.userId, isRead: false } });
  });
  api.route(
    { method: 'post', path: '/notifications/:id/read', summary: 'Mark one read', tags, params: IdParams, status: 204, errors: [404] },
    async ({ user, params }) => {
      const [count] = await Notification.update({ isRead: true }, { where: { id: params.id, userId: user.userId } });
      if (count === 0) throw notFound('Notification');
    },
  );
}
