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
import { INVITATION_STATUSES, type InvitationStatus } from './enums';
import type { User } from './user.model';
import type { Group } from './group.model';

/**
 * An invitation of a user into a group. At most one `pending` invitation per
 * `(group_id, invited_user_id)` (partial unique index). A pending invitation whose
 * `expiresAt` has passed is expired even before a sweeper writes `status = 'expired'`.
 * `accepted`/`declined` require `respondedAt` (CHECK).
 */
export class GroupInvitation extends Model<InferAttributes<GroupInvitation>, InferCreationAttributes<GroupInvitation>> {
  declare id: CreationOptional<number>;
  declare groupId: ForeignKey<Group['id']>;
  declare invitedUserId: ForeignKey<User['userId']>;
  declare invitedBy: ForeignKey<User['userId'] | null>;
  declare status: CreationOptional<InvitationStatus>;
  declare invitationMessage: CreationOptional<string | null>;
  declare expiresAt: Date;
  declare createdAt: CreationOptional<Date>;
  declare respondedAt: CreationOptional<Date | null>;

  declare group?: NonAttribute<Group>;
  declare invitedUser?: NonAttribute<User>;
  declare inviter?: NonAttribute<User | null>;

  static initModel(sequelize: Sequelize): typeof GroupInvitation {
    GroupInvitation.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        groupId: { type: DataTypes.INTEGER, allowNull: false },
        invitedUserId: { type: DataTypes.STRING, allowNull: false },
        invitedBy: { type: DataTypes.STRING, allowNull: true },
        status: {
          type: DataTypes.STRING,
          allowNull: false,
          defaultValue: 'pending',
          validate: { isIn: [[...INVITATION_STATUSES]] },
        },
        invitationMessage: { type: DataTypes.TEXT, allowNull: true },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        respondedAt: { type: DataTypes.DATE, allowNull: true },
      },
      {
        sequelize,
        modelName: 'GroupInvitation',
        tableName: 'group_invitations',
        underscored: true,
        timestamps: true,
        updatedAt: false,
      },
    );
    return GroupInvitation;
  }
}
