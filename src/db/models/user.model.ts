import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

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
  // Rows of other tables pointing here (groupings, sessions, …): declared in associations.ts.

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
