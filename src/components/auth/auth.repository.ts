import { type Db, within } from '../../db/access';
import { WebhookEvent } from '../../db/models';

/** The only data access of the auth component: Clerk webhook deliveries already processed (`webhook_events`). */

/** Records a delivery by its `svix-id`; false when it was recorded before (a replay). */
export async function recordDelivery(db: Db, svixId: string, eventType: string): Promise<boolean> {
  const [, created] = await WebhookEvent.findOrCreate({ where: { svixId }, defaults: { svixId, eventType }, ...within(db) });
  return created;
}
