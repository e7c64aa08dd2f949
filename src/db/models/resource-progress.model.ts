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
import { PROGRESS_STATUSES, type ProgressStatus } from './enums';
import type { User } from './user.model';
import type { Resource } from './resource.model';

/**
 * A user's self-reported progress on one resource; at most one row per
 * `(user_id, resource_id)`, written with upsert semantics. `status = 'completed'`
 * requires `progressPercentage = 100` and `completedAt` (CHECK). `lastUpdated` is the
 * table's update timestamp (the seed's name for `updated_at`).
 */
export class ResourceProgress extends Model<InferAttributes<ResourceProgress>, InferCreationAttributes<ResourceProgress>> {
  declare id: CreationOptional<number>;
  declare userId: ForeignKey<User['userId']>;
  declare resourceId: ForeignKey<Resource['id']>;
  declare status: CreationOptional<ProgressStatus>;
  declare progressPercentage: CreationOptional<number>;
  declare notes: CreationOptional<string | null>;
  declare startedAt: CreationOptional<Date | null>;
  declare completedAt: CreationOptional<Date | null>;
  declare lastUpdated: CreationOptional<Date>;
  declare createdAt: CreationOptional<Date>;

  declare user?: NonAttribute<User>;
  declare resource?: NonAttribute<Resource>;

  static initModel(sequelize: Sequelize): typeof ResourceProgress {
    ResourceProgress.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        // Composite unique key: lets `ResourceProgress.upsert` conflict on it.
        userId: {
          type: DataTypes.STRING,
          allowNull: false,
          unique: 'resource_progress_user_resource_key',
        },
        resourceId: {
          type: DataTypes.INTEGER,
          allowNull: false,
          unique: 'resource_progress_user_resource_key',
        },
        status: {
          type: DataTypes.STRING,
          allowNull: false,
          defaultValue: 'not_started',
          validate: { isIn: [[...PROGRESS_STATUSES]] },
        },
        progressPercentage: {
          type: DataTypes.INTEGER,
          allowNull: false,
          defaultValue: 0,
          validate: { min: 0, max: 100 },
        },
        notes: { type: DataTypes.TEXT, allowNull: true },
        startedAt: { type: DataTypes.DATE, allowNull: true },
        completedAt: { type: DataTypes.DATE, allowNull: true },
        lastUpdated: { type: DataTypes.DATE, allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      {
        sequelize,
        modelName: 'ResourceProgress',
        tableName: 'resource_progress',
        underscored: true,
        timestamps: true,
        createdAt: 'createdAt',
        updatedAt: 'lastUpdated',
      },
    );
    return ResourceProgress;
  }
}
