/**
 * Finding friends (issue 16): `GET /api/users?search=<prefix>` matches the start of a
 * username case-insensitively (`lower(username) LIKE 'pre%'`). This index answers that
 * prefix match without reading every user. Down drops it.
 */
import type { QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.sequelize.query('CREATE INDEX users_username_lower_pattern_idx ON users (lower(username) text_pattern_ops)');
};

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.sequelize.query('DROP INDEX users_username_lower_pattern_idx');
};
