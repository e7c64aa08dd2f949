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
import type { User } from './user.model';
import type { Group } from './group.model';

/**
 * One stored study session. `sessionUuid` is chosen when the timer stops and makes the
 * worker's insert idempotent (`ON CONFLICT (session_uuid) DO NOTHING`). `sessionDate`
 * is the instant the session started (equal to `startedAt`, enforced by a CHECK): the
 * seed's leaderboard column, kept for compatibility. No `updated_at` (seed).
 */
export class StudySession extends Model<InferAttributes<StudySession>, InferCreationAttributes<StudySession>> {
  declare id: CreationOptional<number>;
  declare sessionUuid: string;
  declare userId: ForeignKey<User['userId']>;
  declare groupId: ForeignKey<Group['id'] | null>;
  declare durationSeconds: number;
  declare sessionDate: Date;
  declare sessionNotes: CreationOptional<string | null>;
  declare startedAt: Date;
  declare endedAt: Date;
  declare createdAt: CreationOptional<Date>;

  declare user?: NonAttribute<User>;
  declare group?: NonAttribute<Group | null>;

  static initModel(sequelize: Sequelize): typeof StudySession {
    StudySession.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        sessionUuid: { type: DataTypes.UUID, allowNull: false, unique: true },
        userId: { type: DataTypes.STRING, allowNull: false },
        groupId: { type: DataTypes.INTEGER, allowNull: true },
        durationSeconds: { type: DataTypes.INTEGER, allowNull: false, validate: { min: 1 } },
        sessionDate: { type: DataTypes.DATE, allowNull: false },
        sessionNotes: { type: DataTypes.TEXT, allowNull: true },
        startedAt: { type: DataTypes.DATE, allowNull: false },
        endedAt: { type: DataTypes.DATE, allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      {
        sequelize,
        modelName: 'StudySession',
        tableName: 'study_sessions',
        underscored: true,
        timestamps: true,
        updatedAt: false,
      },
    );
    return StudySession;
  }
}
