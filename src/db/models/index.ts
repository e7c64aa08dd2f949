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

/**
 * `onDelete` here mirrors the migrations' foreign keys (the database enforces them;
 * Sequelize only uses these for `sync()`, which this project does not run). Rows are
 * soft-deleted in normal operation, so these fire only on an administrative hard delete.
 */
function defineAssociations(): void {
  // users ──< groupings >── groups
  User.hasMany(Grouping, { foreignKey: 'userId', as: 'groupings', onDelete: 'CASCADE' });
  Grouping.belongsTo(User, { foreignKey: 'userId', as: 'user', onDelete: 'CASCADE' });
  Group.hasMany(Grouping, { foreignKey: 'groupId', as: 'groupings', onDelete: 'CASCADE' });
  Grouping.belongsTo(Group, { foreignKey: 'groupId', as: 'group', onDelete: 'CASCADE' });
  Grouping.belongsTo(User, { foreignKey: 'invitedBy', as: 'inviter', onDelete: 'SET NULL' });
  User.belongsToMany(Group, {
    through: Grouping,
    foreignKey: 'userId',
    otherKey: 'groupId',
    as: 'groups',
  });
  Group.belongsToMany(User, {
    through: Grouping,
    foreignKey: 'groupId',
    otherKey: 'userId',
    as: 'members',
  });

  // groups
  Group.belongsTo(User, { foreignKey: 'creatorId', as: 'creator', onDelete: 'SET NULL' });

  // resources
  Group.hasMany(Resource, { foreignKey: 'groupId', as: 'resources', onDelete: 'CASCADE' });
  Resource.belongsTo(Group, { foreignKey: 'groupId', as: 'group', onDelete: 'CASCADE' });
  Resource.belongsTo(User, { foreignKey: 'uploadedBy', as: 'uploader', onDelete: 'SET NULL' });
  Resource.belongsTo(Resource, {
    foreignKey: 'parentFolderId',
    as: 'parentFolder',
    onDelete: 'CASCADE',
  });
  Resource.hasMany(Resource, { foreignKey: 'parentFolderId', as: 'children', onDelete: 'CASCADE' });

  // resource_progress
  User.hasMany(ResourceProgress, {
    foreignKey: 'userId',
    as: 'resourceProgress',
    onDelete: 'CASCADE',
  });
  ResourceProgress.belongsTo(User, { foreignKey: 'userId', as: 'user', onDelete: 'CASCADE' });
  Resource.hasMany(ResourceProgress, {
    foreignKey: 'resourceId',
    as: 'progress',
    onDelete: 'CASCADE',
  });
  ResourceProgress.belongsTo(Resource, {
    foreignKey: 'resourceId',
    as: 'resource',
    onDelete: 'CASCADE',
  });

  // study_sessions
  User.hasMany(StudySession, { foreignKey: 'userId', as: 'studySessions', onDelete: 'CASCADE' });
  StudySession.belongsTo(User, { foreignKey: 'userId', as: 'user', onDelete: 'CASCADE' });
  Group.hasMany(StudySession, {
    foreignKey: 'groupId',
    as: 'studySessions',
    onDelete: 'SET NULL',
  });
  StudySession.belongsTo(Group, { foreignKey: 'groupId', as: 'group', onDelete: 'SET NULL' });

  // streaks (1:1)
  User.hasOne(Streak, { foreignKey: 'userId', as: 'streak', onDelete: 'CASCADE' });
  Streak.belongsTo(User, { foreignKey: 'userId', as: 'user', onDelete: 'CASCADE' });

  // group_invitations
  Group.hasMany(GroupInvitation, { foreignKey: 'groupId', as: 'invitations', onDelete: 'CASCADE' });
  GroupInvitation.belongsTo(Group, { foreignKey: 'groupId', as: 'group', onDelete: 'CASCADE' });
  User.hasMany(GroupInvitation, {
    foreignKey: 'invitedUserId',
    as: 'receivedInvitations',
    onDelete: 'CASCADE',
  });
  GroupInvitation.belongsTo(User, {
    foreignKey: 'invitedUserId',
    as: 'invitedUser',
    onDelete: 'CASCADE',
  });
  GroupInvitation.belongsTo(User, { foreignKey: 'invitedBy', as: 'inviter', onDelete: 'SET NULL' });

  // messages
  User.hasMany(Message, { foreignKey: 'userId', as: 'messages', onDelete: 'CASCADE' });
  Message.belongsTo(User, { foreignKey: 'userId', as: 'author', onDelete: 'CASCADE' });
  Group.hasMany(Message, { foreignKey: 'groupId', as: 'messages', onDelete: 'CASCADE' });
  Message.belongsTo(Group, { foreignKey: 'groupId', as: 'group', onDelete: 'CASCADE' });
  Message.belongsTo(Message, { foreignKey: 'replyToId', as: 'replyTo', onDelete: 'SET NULL' });
  Message.hasMany(Message, { foreignKey: 'replyToId', as: 'replies', onDelete: 'SET NULL' });

  // notifications
  User.hasMany(Notification, { foreignKey: 'userId', as: 'notifications', onDelete: 'CASCADE' });
  Notification.belongsTo(User, { foreignKey: 'userId', as: 'user', onDelete: 'CASCADE' });
}
