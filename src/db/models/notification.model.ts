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
import { NOTIFICATION_TYPES, type NotificationType } from './enums';
import type { User } from './user.model';

/**
 * A stored notification for one user. `data` (JSONB object) carries the ids a client
 * needs to act on it, e.g. `{groupId, invitationId}` or `{groupId, messageId}`.
 */
export class Notification extends Model<InferAttributes<Notification>, InferCreationAttributes<Notification>> {
  declare id: CreationOptional<number>;
  declare userId: ForeignKey<User['userId']>;
  declare notificationMessage: string;
  declare notificationType: NotificationType;
  declare data: CreationOptional<Record<string, unknown>>;
  declare isRead: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;

  declare user?: NonAttribute<User>;

  static initModel(sequelize: Sequelize): typeof Notification {
    Notification.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        userId: { type: DataTypes.STRING, allowNull: false },
        notificationMessage: { type: DataTypes.STRING, allowNull: false },
        notificationType: {
          type: DataTypes.STRING,
          allowNull: false,
          validate: { isIn: [[...NOTIFICATION_TYPES]] },
        },
        data: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
        isRead: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      {
        sequelize,
        modelName: 'Notification',
        tableName: 'notifications',
        underscored: true,
        timestamps: true,
        updatedAt: false,
      },
    );
    return Notification;
  }
}
