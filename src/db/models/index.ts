/**
 * The data model: one Sequelize class per table, the enum tuples, and `initModels`,
 * which binds every class to a Sequelize instance and defines the associations.
 *
 * Schema changes are made only by `migrations/`; these classes describe that schema and
 * never `sync()` it. Single-column rules (enums, ranges) are repeated here as
 * attribute validators for early, readable errors; cross-column rules (a folder-only
 * null `url`, `completed` ⇒ 100 %, content null only when deleted…) live only in the
 * database's CHECK constraints, because Sequelize runs model-level validators against
 * partial rows in static `Model.update` and would reject valid updates.
 */
import type { Sequelize } from 'sequelize';
import { User } from './user.model';
import { Group } from './group.model';
import { Grouping } from './grouping.model';
import { Resource } from './resource.model';
import { ResourceProgress } from './resource-progress.model';
import { StudySession } from './study-session.model';
import { Streak } from './streak.model';
import { GroupInvitation } from './group-invitation.model';
import { Message } from './message.model';
import { Notification } from './notification.model';
import { WebhookEvent } from './webhook-event.model';
import { defineAssociations } from './associations';

export * from './enums';
export type { UserPreferences } from './user.model';
export { User, Group, Grouping, Resource, ResourceProgress, StudySession, Streak, GroupInvitation, Message, Notification, WebhookEvent };

let boundTo: Sequelize | undefined;

/**
 * Binds every model to `sequelize` and defines the associations.
 *
 * Calling it again with the same instance is a no-op, so any module may call it
 * defensively. Model classes are process-wide statics: calling it with a *different*
 * instance (a test that builds a fresh app after closing the previous one) rebinds all
 * models to that instance, and the previous instance must no longer be used through
 * them.
 */
export function initModels(sequelize: Sequelize): void {
  if (boundTo === sequelize) return;

  User.initModel(sequelize);
  Group.initModel(sequelize);
  Grouping.initModel(sequelize);
  Resource.initModel(sequelize);
  ResourceProgress.initModel(sequelize);
  StudySession.initModel(sequelize);
  Streak.initModel(sequelize);
  GroupInvitation.initModel(sequelize);
  Message.initModel(sequelize);
  Notification.initModel(sequelize);
  WebhookEvent.initModel(sequelize);

  defineAssociations();
  boundTo = sequelize;
}
