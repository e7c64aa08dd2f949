import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type NonAttribute, type Sequelize } from 'sequelize';
import type { Grouping } from './grouping.model';
import type { Group } from './group.model';
import type { StudySession } from './study-session.model';
import type { ResourceProgress } from './resource-progress.model';
import type { Message } from './message.model';
import type { Notification } from './notification.model';
import type { Streak } from './streak.model';
import type { GroupInvitation } from './group-invitation.model';

/**
 * `users.preferences` (JSONB object, at most 4 KB): known keys only, see
 * `src/components/users/preferences.rules.ts`. `timezone` is an IANA zone name; absent
 * means `UTC`.
 */
export interface UserPreferences {
  timezone?: string;
  dailyGoalMinutes?: number;
  theme?: 'light' | 'dark' | 'system';
  notifications?: { mentions?: boolean; invitations?: boolean; groupActivity?: boolean };
}

/**
 * A user, synced from Clerk (`user_id` is Clerk's id, never generated here).
 * `deletedAt` is set when Clerk reports `user.deleted`; the row stays (so sessions,
 * messages and memberships keep a valid reference) but its personal data is wiped.
 */
export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare userId: string;
  declare username: string;
  declare email: string;
  declare firstName: CreationOptional<string | null>;
  declare lastName: CreationOptional<string | null>;
  /** Cached sum of the user's `study_sessions.duration_seconds`, in seconds. */
  declare totalStudyTime: CreationOptional<number>;
  declare preferences: CreationOptional<UserPreferences>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare deletedAt: CreationOptional<Date | null>;

  declare groupings?: NonAttribute<Grouping[]>;
  declare groups?: NonAttribute<Group[]>;
  declare studySessions?: NonAttribute<StudySession[]>;
  declare resourceProgress?: NonAttribute<ResourceProgress[]>;
  declare messages?: NonAttribute<Message[]>;
  declare notifications?: NonAttribute<Notification[]>;
  declare receivedInvitations?: NonAttribute<GroupInvitation[]>;
  declare streak?: NonAttribute<Streak | null>;

  static initModel(sequelize: Sequelize): typeof User {
    User.init(
      {
        userId: { type: DataTypes.STRING, primaryKey: true, allowNull: false },
        username: { type: DataTypes.STRING, allowNull: false, unique: true },
        email: { type: DataTypes.STRING, allowNull: false, unique: true },
        firstName: { type: DataTypes.STRING, allowNull: true },
        lastName: { type: DataTypes.STRING, allowNull: true },
        totalStudyTime: {
          type: DataTypes.INTEGER,
          allowNull: false,
          defaultValue: 0,
          validate: { min: 0 },
        },
        preferences: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
        deletedAt: { type: DataTypes.DATE, allowNull: true },
      },
      {
        sequelize,
        modelName: 'User',
        tableName: 'users',
        underscored: true,
        timestamps: true,
      },
    );
    return User;
  }
}
