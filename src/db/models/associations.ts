/**
 * The associations between the models: the Sequelize calls (`hasMany`, `belongsTo`, …)
 * and, for the side that is pointed at, the types of the properties they add.
 *
 * A model file declares its columns and the rows it points to (its foreign keys:
 * `Grouping.user`, `Message.author`), so model files import only the models they point
 * to, following the foreign keys, and the import graph has no cycle. The other side (a
 * user's groupings, a group's resources) is declared here, next to the `hasMany` that
 * makes it, by augmenting the model classes.
 */
import type { NonAttribute } from 'sequelize';
import { Group } from './group.model';
import { GroupInvitation } from './group-invitation.model';
import { Grouping } from './grouping.model';
import { Message } from './message.model';
import { Notification } from './notification.model';
import { Resource } from './resource.model';
import { ResourceProgress } from './resource-progress.model';
import { Streak } from './streak.model';
import { StudySession } from './study-session.model';
import { User } from './user.model';

declare module './user.model' {
  interface User {
    groupings?: NonAttribute<Grouping[]>;
    groups?: NonAttribute<Group[]>;
    studySessions?: NonAttribute<StudySession[]>;
    resourceProgress?: NonAttribute<ResourceProgress[]>;
    messages?: NonAttribute<Message[]>;
    notifications?: NonAttribute<Notification[]>;
    receivedInvitations?: NonAttribute<GroupInvitation[]>;
    streak?: NonAttribute<Streak | null>;
  }
}

declare module './group.model' {
  interface Group {
    groupings?: NonAttribute<Grouping[]>;
    members?: NonAttribute<User[]>;
    resources?: NonAttribute<Resource[]>;
    messages?: NonAttribute<Message[]>;
    studySessions?: NonAttribute<StudySession[]>;
    invitations?: NonAttribute<GroupInvitation[]>;
  }
}

declare module './resource.model' {
  interface Resource {
    progress?: NonAttribute<ResourceProgress[]>;
  }
}

/**
 * `onDelete` here mirrors the migrations' foreign keys (the database enforces them;
 * Sequelize only uses these for `sync()`, which this project does not run). Rows are
 * soft-deleted in normal operation, so these fire only on an administrative hard delete.
 */
export function defineAssociations(): void {
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
