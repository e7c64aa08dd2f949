import {
  DataTypes,
  Model,
  type CreationOptional,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
  type NonAttribute,
  type Sequelize,
} from 'sequelize';
import { GROUP_ROLES, GROUPING_INVITATION_STATUSES, type GroupRole, type GroupingInvitationStatus } from './enums';
import type { User } from './user.model';
import type { Group } from './group.model';

/**
 * Membership of a user in a group (primary key `(user_id, group_id)`). A row exists
 * only for members; `isConnected`/`lastSeen` mirror live presence in the group's room.
 * No created/updated timestamps: `joinedAt` is the row's creation time.
 */
export class Grouping extends Model<InferAttributes<Grouping>, InferCreationAttributes<Grouping>> {
  declare userId: ForeignKey<User['userId']>;
  declare groupId: ForeignKey<Group['id']>;
  declare role: GroupRole;
  declare invitationStatus: CreationOptional<GroupingInvitationStatus | null>;
  declare invitedBy: ForeignKey<User['userId'] | null>;
  declare invitedAt: CreationOptional<Date | null>;
  declare joinedAt: CreationOptional<Date>;
  declare isConnected: CreationOptional<boolean>;
  declare lastSeen: CreationOptional<Date | null>;
  /** The last message of the group the member has read (only moves forward; null: none). */
  declare lastReadMessageId: CreationOptional<number | null>;

  declare user?: NonAttribute<User>;
  declare group?: NonAttribute<Group>;
  declare inviter?: NonAttribute<User | null>;

  static initModel(sequelize: Sequelize): typeof Grouping {
    Grouping.init(
      {
        userId: { type: DataTypes.STRING, primaryKey: true, allowNull: false },
        groupId: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
        role: {
          type: DataTypes.STRING,
          allowNull: false,
          validate: { isIn: [[...GROUP_ROLES]] },
        },
        invitationStatus: {
          type: DataTypes.STRING,
          allowNull: true,
          validate: { isIn: [[...GROUPING_INVITATION_STATUSES]] },
        },
        invitedBy: { type: DataTypes.STRING, allowNull: true },
        invitedAt: { type: DataTypes.DATE, allowNull: true },
        joinedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        isConnected: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        lastSeen: { type: DataTypes.DATE, allowNull: true },
        lastReadMessageId: { type: DataTypes.INTEGER, allowNull: true },
      },
      {
        sequelize,
        modelName: 'Grouping',
        tableName: 'groupings',
        underscored: true,
        timestamps: false,
      },
    );
    return Grouping;
  }
}
