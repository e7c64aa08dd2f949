import { Op, type WhereOptions } from 'sequelize';
import { Notification } from '../../db/models';
import type { Api, AppContext } from '../../context';
import { decodeCursor, idPage, isIdCursor } from '../../lib/cursor';
import { notFound } from '../../lib/errors';
import { CursorSchema, IdSchema, LimitSchema, z } from '../../lib/validation';
import { NOTIFICATION_TYPES } from '../../db/models';
import { toNotificationDto } from './notify';

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

export function registerNotificationRoutes(api: Api, _ctx: AppContext): void {
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
      response: z.object({ count: z.number().int() }).openapi('UnreadCount'),
    },
    async ({ user }) => ({ count: await Notification.count({ where: { userId: user.userId, isRead: false } }) }),
  );
  api.route({ method: 'post', path: '/notifications/read-all', summary: 'Mark all read', tags, status: 204 }, async ({ user }) => {
    await Notification.update({ isRead: true }, { where: { userId: user.userId, isRead: false } });
  });
  api.route(
    { method: 'post', path: '/notifications/:id/read', summary: 'Mark one read', tags, params: z.object({ id: IdSchema }), status: 204, errors: [404] },
    async ({ user, params }) => {
      const [count] = await Notification.update({ isRead: true }, { where: { id: params.id, userId: user.userId } });
      if (count === 0) throw notFound('Notification');
    },
  );
}
