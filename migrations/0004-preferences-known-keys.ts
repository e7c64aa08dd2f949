/**
 * `users.preferences` becomes a schema of known keys (see
 * `src/components/users/preferences.rules.ts`): `timezone` (string), `dailyGoalMinutes`
 * (integer 0–1440), `theme` (`light`/`dark`/`system`), `notifications` (booleans
 * `mentions`, `invitations`, `groupActivity`), 4 KB at most.
 *
 * Up keeps only those keys with valid values in every row (free-form keys written before
 * are dropped: the server never read them, and they let one row grow to megabytes), then
 * bounds the column's size with a CHECK. Down drops the CHECK; the dropped keys are not
 * restored (docs/DECISIONS.md).
 */
import type { QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';

/** One stored key's value if it is known and valid, else NULL (CASE keeps every cast guarded). */
const KEPT_VALUE = `
  CASE
    WHEN e.key = 'timezone' THEN
      CASE WHEN jsonb_typeof(e.value) = 'string' AND length(e.value #>> '{}') BETWEEN 1 AND 64 THEN e.value END
    WHEN e.key = 'dailyGoalMinutes' THEN
      CASE WHEN jsonb_typeof(e.value) = 'number' THEN
        CASE WHEN (e.value #>> '{}')::numeric BETWEEN 0 AND 1440 AND (e.value #>> '{}')::numeric = trunc((e.value #>> '{}')::numeric) THEN e.value END
      END
    WHEN e.key = 'theme' THEN
      CASE WHEN e.value IN ('"light"'::jsonb, '"dark"'::jsonb, '"system"'::jsonb) THEN e.value END
    WHEN e.key = 'notifications' THEN
      CASE WHEN jsonb_typeof(e.value) = 'object' THEN
        (SELECT jsonb_object_agg(n.key, n.value) FROM jsonb_each(e.value) AS n(key, value)
         WHERE n.key IN ('mentions', 'invitations', 'groupActivity') AND jsonb_typeof(n.value) = 'boolean')
      END
  END`;

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.sequelize.query(
      `UPDATE users u SET preferences = c.preferences
       FROM (
         SELECT users.user_id,
                coalesce((SELECT jsonb_object_agg(k.key, k.value)
                          FROM (SELECT e.key, ${KEPT_VALUE} AS value FROM jsonb_each(users.preferences) AS e(key, value)) AS k
                          WHERE k.value IS NOT NULL), '{}'::jsonb) AS preferences
         FROM users
       ) AS c
       WHERE c.user_id = u.user_id AND c.preferences <> u.preferences`,
      { transaction },
    );
    await qi.sequelize.query('ALTER TABLE users ADD CONSTRAINT users_preferences_size_check CHECK (octet_length(preferences::text) <= 4096)', { transaction });
  });
};

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.sequelize.query('ALTER TABLE users DROP CONSTRAINT IF EXISTS users_preferences_size_check');
};
