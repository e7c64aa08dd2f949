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

/**
 * A user's streak, one row per user. `lastActiveDate` and `streakStartDate` are local
 * calendar dates in the user's timezone (`YYYY-MM-DD` strings, SQL `DATE`), not
 * instants. `currentStreak` is as of `lastActiveDate`: readers show 0 when that day is
 * before yesterday in the user's timezone.
 */
export class Streak extends Model<InferAttributes<Streak>, InferCreationAttributes<Streak>> {
  declare id: CreationOptional<number>;
  declare userId: ForeignKey<User['userId']>;
  declare currentStreak: CreationOptional<number>;
  declare longestStreak: CreationOptional<number>;
  declare lastActiveDate: CreationOptional<string | null>;
  declare streakStartDate: CreationOptional<string | null>;
  /** Streak freezes held after `lastActiveDate` (0–2; issue 16). */
  declare freezesAvailable: CreationOptional<number>;
  /** The time zone the row was computed in, and the newest session it counted (the incremental path's guard). */
  declare timeZone: CreationOptional<string | null>;
  declare lastSessionId: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  declare user?: NonAttribute<User>;

  static initModel(sequelize: Sequelize): typeof Streak {
    Streak.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        userId: { type: DataTypes.STRING, allowNull: false, unique: true },
        currentStreak: {
          type: DataTypes.INTEGER,
          allowNull: false,
          defaultValue: 0,
          validate: { min: 0 },
        },
        longestStreak: {
          type: DataTypes.INTEGER,
          allowNull: false,
          defaultValue: 0,
          validate: { min: 0 },
        },
        lastActiveDate: { type: DataTypes.DATEONLY, allowNull: true },
        streakStartDate: { type: DataTypes.DATEONLY, allowNull: true },
        freezesAvailable: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0, validate: { min: 0, max: 2 } },
        timeZone: { type: DataTypes.STRING(64), allowNull: true },
        lastSessionId: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      {
        sequelize,
        modelName: 'Streak',
        tableName: 'streaks',
        underscored: true,
        timestamps: true,
      },
    );
    return Streak;
  }
}
