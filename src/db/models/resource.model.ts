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
import { RESOURCE_TYPES, type ResourceType } from './enums';
import type { User } from './user.model';
import type { Group } from './group.model';

/**
 * A shared study resource or a folder. `url` is null only for folders and uploaded
 * content (`storageKey` set; enforced by CHECKs). `parentFolderId` must point at a resource of the same group (composite FK);
 * that it is a live folder is the use-case's job. Deleting is soft (`isDeleted`).
 */
export class Resource extends Model<InferAttributes<Resource>, InferCreationAttributes<Resource>> {
  declare id: CreationOptional<number>;
  declare uploadedBy: ForeignKey<User['userId'] | null>;
  declare groupId: ForeignKey<Group['id']>;
  declare url: CreationOptional<string | null>;
  declare resourceType: ResourceType;
  declare title: string;
  declare description: CreationOptional<string | null>;
  declare parentFolderId: ForeignKey<number | null>;
  /** Bytes. BIGINT in the database; read back as a number (exact below 2^53). */
  declare fileSize: CreationOptional<number | null>;
  /** Uploaded content only (null for links and folders): the stored bytes' type. */
  declare contentType: CreationOptional<string | null>;
  /** Uploaded content only: where the bytes live in the object store (then `url` is null). */
  declare storageKey: CreationOptional<string | null>;
  declare isDeleted: CreationOptional<boolean>;
  /** When the soft delete happened (stored bytes are removed 30 days later). */
  declare deletedAt: CreationOptional<Date | null>;
  declare contentPurgedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  declare group?: NonAttribute<Group>;
  declare uploader?: NonAttribute<User | null>;
  declare parentFolder?: NonAttribute<Resource | null>;
  declare children?: NonAttribute<Resource[]>;
  // Progress rows pointing here: declared in associations.ts.

  static initModel(sequelize: Sequelize): typeof Resource {
    Resource.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        uploadedBy: { type: DataTypes.STRING, allowNull: true },
        groupId: { type: DataTypes.INTEGER, allowNull: false },
        url: { type: DataTypes.STRING, allowNull: true },
        resourceType: {
          type: DataTypes.STRING,
          allowNull: false,
          validate: { isIn: [[...RESOURCE_TYPES]] },
        },
        title: { type: DataTypes.STRING, allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: true },
        parentFolderId: { type: DataTypes.INTEGER, allowNull: true },
        fileSize: {
          type: DataTypes.BIGINT,
          allowNull: true,
          validate: { min: 0 },
          // node-postgres returns BIGINT as a string; the API speaks numbers.
          get(this: Resource): number | null {
            const raw: unknown = this.getDataValue('fileSize');
            return raw === null || raw === undefined ? null : Number(raw);
          },
        },
        contentType: { type: DataTypes.STRING, allowNull: true },
        storageKey: { type: DataTypes.STRING, allowNull: true },
        isDeleted: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        deletedAt: { type: DataTypes.DATE, allowNull: true },
        contentPurgedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      {
        sequelize,
        modelName: 'Resource',
        tableName: 'resources',
        underscored: true,
        timestamps: true,
      },
    );
    return Resource;
  }
}
