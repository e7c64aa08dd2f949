import { NOTIFICATION_TYPES } from '../enums';
import { CursorSchema, LimitSchema, pageOf } from './primitives';
import { z } from './zod';

/** Notifications (docs/API.md "Notifications"). */

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

export const NotificationPageSchema = pageOf(NotificationSchema).openapi('NotificationPage');
export const NotificationsQuery = z.object({ unread: z.enum(['true', 'false']).optional(), limit: LimitSchema(100, 20), cursor: CursorSchema });
export const UnreadCountSchema = z.object({ count: z.number().int() }).openapi('UnreadCount');
