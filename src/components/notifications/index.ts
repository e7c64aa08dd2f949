export { registerNotificationRoutes } from './notifications.routes';
export { notify, toNotificationDto, type NewNotification } from './notify';
