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
import { GROUP_TYPES, VISIBILITIES, type GroupType, type Visibility } from './enums';
import type { User } from './user.model';

/**
 * A study group. Deleting a group is soft (`isActive = false`). `maxMembers` null means
 * unlimited. `inviteCode` is unique while set; regenerating it replaces the old one.
 */
export class Group extends Model<InferAttributes<Group>, InferCreationAttributes<Group>> {
  declare id: CreationOptional<number>;
  declare creatorId: ForeignKey<User['userId'] | null>;
  declare groupName: string;
  declare description: CreationOptional<string | null>;
  declare image: CreationOptional<string | null>;
  declare groupType: GroupType;
  declare visibility: Visibility;
  declare inviteCode: CreationOptional<string | null>;
  declare maxMembers: CreationOptional<number | null>;
  declare isActive: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  declare creator?: NonAttribute<User | null>;
  // Rows of other tables pointing here (memberships, resources, …): declared in associations.ts.

  static initModel(sequelize: Sequelize): typeof Group {
    Group.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        creatorId: { type: DataTypes.STRING, allowNull: true },
        groupName: { type: DataTypes.STRING, allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: true },
        image: { type: DataTypes.STRING, allowNull: true },
        groupType: {
          type: DataTypes.STRING,
          allowNull: false,
          validate: { isIn: [[...GROUP_TYPES]] },
        },
        visibility: {
          type: DataTypes.STRING,
          allowNull: false,
          validate: { isIn: [[...VISIBILITIES]] },
        },
        inviteCode: { type: DataTypes.STRING, allowNull: true, unique: true },
        maxMembers: { type: DataTypes.INTEGER, allowNull: true, validate: { min: 1 } },
        isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      {
        sequelize,
        modelName: 'Group',
        tableName: 'groups',
        underscored: true,
        timestamps: true,
      },
    );
    return Group;
  }
}
