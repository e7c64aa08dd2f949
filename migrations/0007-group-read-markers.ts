/**
 * Unread badges (issue 16): `groupings.last_read_message_id`, the id of the last message
 * of the group the member has read (null: nothing read yet, every message of others is
 * unread). It only moves forward (the UPDATE that writes it says so). No foreign key: a
 * message removed with its author's account must not move the marker (SET NULL would
 * make the whole history unread again); an id that no longer exists still orders.
 * Down drops the column.
 */
import type { QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.sequelize.query('ALTER TABLE groupings ADD COLUMN last_read_message_id INTEGER');
};

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.sequelize.query('ALTER TABLE groupings DROP COLUMN last_read_message_id');
};
