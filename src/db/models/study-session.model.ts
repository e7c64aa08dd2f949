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
import { SESSION_END_REASONS, SESSION_MODES, type SessionEndReason, type SessionMode } from './enums';

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
  /** Counted focus time: what totals, streaks, stats and leaderboards add up (may be 0). */
  declare durationSeconds: number;
  /** From start to stop, pauses and breaks included (the database fills it with `durationSeconds` when not given). */
  declare rawSeconds: CreationOptional<number>;
  declare pausedSeconds: CreationOptional<number>;
  declare mode: CreationOptional<SessionMode>;
  declare subject: CreationOptional<string | null>;
  declare endReason: CreationOptional<SessionEndReason>;
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
        durationSeconds: { type: DataTypes.INTEGER, allowNull: false, validate: { min: 0 } },
        rawSeconds: { type: DataTypes.INTEGER, allowNull: true, validate: { min: 0 } },
        pausedSeconds: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0, validate: { min: 0 } },
        mode: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'stopwatch', validate: { isIn: [[...SESSION_MODES]] } },
        subject: { type: DataTypes.STRING(60), allowNull: true },
        endReason: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'stopped', validate: { isIn: [[...SESSION_END_REASONS]] } },
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
