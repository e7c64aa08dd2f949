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
import { MESSAGE_TYPES, type MessageType } from './enums';
import type { User } from './user.model';
import type { Group } from './group.model';

/**
 * A group chat message. Deleting is soft: `isDeleted = true` and `content = null`
 * (content may be null only then, CHECK). `clientMessageId` is the sender's idempotency
 * key, unique per author: a resend finds the stored message instead of a duplicate.
 */
export class Message extends Model<InferAttributes<Message>, InferCreationAttributes<Message>> {
  declare id: CreationOptional<number>;
  declare userId: ForeignKey<User['userId']>;
  declare groupId: ForeignKey<Group['id']>;
  declare content: string | null;
  declare messageType: CreationOptional<MessageType>;
  declare replyToId: ForeignKey<number | null>;
  declare clientMessageId: CreationOptional<string | null>;
  declare isEdited: CreationOptional<boolean>;
  declare isDeleted: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  declare author?: NonAttribute<User>;
  declare group?: NonAttribute<Group>;
  declare replyTo?: NonAttribute<Message | null>;
  declare replies?: NonAttribute<Message[]>;

  static initModel(sequelize: Sequelize): typeof Message {
    Message.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        // Composite unique key with clientMessageId: lets upsert/ignoreDuplicates use it.
        userId: {
          type: DataTypes.STRING,
          allowNull: false,
          unique: 'messages_user_client_message_id_key',
        },
        groupId: { type: DataTypes.INTEGER, allowNull: false },
        content: { type: DataTypes.TEXT, allowNull: true },
        messageType: {
          type: DataTypes.STRING,
          allowNull: false,
          defaultValue: 'text',
          validate: { isIn: [[...MESSAGE_TYPES]] },
        },
        replyToId: { type: DataTypes.INTEGER, allowNull: true },
        clientMessageId: {
          type: DataTypes.STRING(64),
          allowNull: true,
          unique: 'messages_user_client_message_id_key',
        },
        isEdited: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        isDeleted: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      {
        sequelize,
        modelName: 'Message',
        tableName: 'messages',
        underscored: true,
        timestamps: true,
      },
    );
    return Message;
  }
}
