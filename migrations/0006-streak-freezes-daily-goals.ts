/**
 * Streak freezes, incremental streaks and daily goals (issues 16 and 13).
 *
 * - `streaks.freezes_available` (0–2): freezes held after `last_active_date` (the rule is
 *   in `src/components/streaks/streak.rules.ts`).
 * - `streaks.time_zone` and `streaks.last_session_id`: what the row was computed from, the
 *   guard of the incremental path (same zone, and the user's newest session id apart from
 *   the new ones is the one the row last counted). Existing rows have NULLs, so the next
 *   stored session of each user recomputes their row in full (and gives it its freezes).
 * - `study_sessions_user_id_id_idx (user_id, id)`: that guard's "newest session id of the
 *   user" is an index probe, not a scan of the user's history.
 * - `daily_goals_met`: one row per (user, local date) whose daily goal was met, written in
 *   the transaction that stored the session: the durable once-per-day dedupe of the
 *   `goal:met` event and the `daily_goal_met` notification (job retries, duplicates).
 * - `notifications.notification_type` accepts `daily_goal_met`.
 *
 * Down removes all of it (the `daily_goal_met` notifications first: the old CHECK cannot hold them).
 */
import type { QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';

const OLD_TYPES = `'invitation_received', 'invitation_accepted', 'member_joined', 'role_changed', 'removed_from_group', 'mention'`;

async function run(qi: QueryInterface, statements: string[]): Promise<void> {
  await qi.sequelize.transaction(async (transaction) => {
    for (const sql of statements) await qi.sequelize.query(sql, { transaction });
  });
}

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await run(qi, [
    `ALTER TABLE streaks
       ADD COLUMN freezes_available INTEGER NOT NULL DEFAULT 0,
       ADD COLUMN time_zone VARCHAR(64),
       ADD COLUMN last_session_id INTEGER,
       ADD CONSTRAINT streaks_freezes_available_check CHECK (freezes_available BETWEEN 0 AND 2)`,
    'CREATE INDEX study_sessions_user_id_id_idx ON study_sessions (user_id, id)',
    `CREATE TABLE daily_goals_met (
       user_id       VARCHAR NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
       local_date    DATE NOT NULL,
       seconds       INTEGER NOT NULL,
       goal_minutes  INTEGER NOT NULL,
       created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
       PRIMARY KEY (user_id, local_date),
       CONSTRAINT daily_goals_met_goal_check CHECK (goal_minutes BETWEEN 1 AND 1440 AND seconds >= goal_minutes * 60)
     )`,
    'ALTER TABLE notifications DROP CONSTRAINT notifications_type_check',
    `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (notification_type IN (${OLD_TYPES}, 'daily_goal_met'))`,
  ]);
};

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await run(qi, [
    `DELETE FROM notifications WHERE notification_type = 'daily_goal_met'`,
    'ALTER TABLE notifications DROP CONSTRAINT notifications_type_check',
    `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (notification_type IN (${OLD_TYPES}))`,
    'DROP TABLE daily_goals_met',
    'DROP INDEX study_sessions_user_id_id_idx',
    `ALTER TABLE streaks DROP CONSTRAINT streaks_freezes_available_check,
       DROP COLUMN freezes_available, DROP COLUMN time_zone, DROP COLUMN last_session_id`,
  ]);
};
