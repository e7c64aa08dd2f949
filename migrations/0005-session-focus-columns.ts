/**
 * Focus timers (issue 15): a session records how it was counted.
 *
 * - `duration_seconds` is the **counted focus time** (what totals, streaks, stats and
 *   leaderboards add up). It may now be 0: a session kept for the record whose time did not
 *   count (e.g. past the daily cap).
 * - `raw_seconds`: from start to stop (`>= duration_seconds`); `paused_seconds`: time
 *   paused; `mode`: `stopwatch` or `pomodoro`; `subject`: what was studied (≤ 60
 *   characters, null when none); `end_reason`: `stopped`, `disconnected`, `max_hours` or
 *   `daily_cap`.
 *
 * Existing rows were plain stopwatches: raw = counted, nothing paused, `stopped`; a row
 * inserted without `raw_seconds` (history written straight into the table) gets its
 * `duration_seconds` (a trigger), so imports need not know the column.
 * Down drops the columns and restores `duration_seconds > 0` (rows with 0 counted seconds
 * are deleted first: the old schema cannot hold them).
 */
import type { QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    for (const sql of [
      `ALTER TABLE study_sessions
         ADD COLUMN raw_seconds INTEGER,
         ADD COLUMN paused_seconds INTEGER NOT NULL DEFAULT 0,
         ADD COLUMN mode VARCHAR(16) NOT NULL DEFAULT 'stopwatch',
         ADD COLUMN subject VARCHAR(60),
         ADD COLUMN end_reason VARCHAR(16) NOT NULL DEFAULT 'stopped'`,
      'UPDATE study_sessions SET raw_seconds = duration_seconds',
      'ALTER TABLE study_sessions ALTER COLUMN raw_seconds SET NOT NULL',
      // History written straight into the table (an import, a script) need not know the
      // column: a row without raw_seconds was counted in full.
      `CREATE FUNCTION study_sessions_default_raw_seconds() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.raw_seconds IS NULL THEN NEW.raw_seconds := NEW.duration_seconds; END IF;
         RETURN NEW;
       END $$`,
      `CREATE TRIGGER study_sessions_default_raw_seconds BEFORE INSERT ON study_sessions
         FOR EACH ROW EXECUTE FUNCTION study_sessions_default_raw_seconds()`,
      'ALTER TABLE study_sessions DROP CONSTRAINT study_sessions_duration_check',
      `ALTER TABLE study_sessions
         ADD CONSTRAINT study_sessions_duration_check CHECK (duration_seconds >= 0),
         ADD CONSTRAINT study_sessions_raw_seconds_check CHECK (raw_seconds >= duration_seconds),
         ADD CONSTRAINT study_sessions_paused_seconds_check CHECK (paused_seconds >= 0 AND paused_seconds <= raw_seconds),
         ADD CONSTRAINT study_sessions_mode_check CHECK (mode IN ('stopwatch', 'pomodoro')),
         ADD CONSTRAINT study_sessions_subject_check CHECK (subject IS NULL OR (length(subject) BETWEEN 1 AND 60 AND subject = btrim(subject))),
         ADD CONSTRAINT study_sessions_end_reason_check CHECK (end_reason IN ('stopped', 'disconnected', 'max_hours', 'daily_cap'))`,
    ]) {
      await qi.sequelize.query(sql, { transaction });
    }
  });
};

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    for (const sql of [
      'DELETE FROM study_sessions WHERE duration_seconds = 0',
      'DROP TRIGGER study_sessions_default_raw_seconds ON study_sessions',
      'DROP FUNCTION study_sessions_default_raw_seconds()',
      `ALTER TABLE study_sessions
         DROP CONSTRAINT study_sessions_duration_check,
         DROP CONSTRAINT study_sessions_raw_seconds_check,
         DROP CONSTRAINT study_sessions_paused_seconds_check,
         DROP CONSTRAINT study_sessions_mode_check,
         DROP CONSTRAINT study_sessions_subject_check,
         DROP CONSTRAINT study_sessions_end_reason_check`,
      'ALTER TABLE study_sessions ADD CONSTRAINT study_sessions_duration_check CHECK (duration_seconds > 0)',
      'ALTER TABLE study_sessions DROP COLUMN raw_seconds, DROP COLUMN paused_seconds, DROP COLUMN mode, DROP COLUMN subject, DROP COLUMN end_reason',
    ]) {
      await qi.sequelize.query(sql, { transaction });
    }
  });
};
