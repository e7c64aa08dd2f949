/**
 * `webhook_events`: the Svix message ids of Clerk webhooks already processed. Inserting
 * the id in the same transaction as the webhook's effect makes a replayed delivery a
 * no-op (`INSERT ... ON CONFLICT (svix_id) DO NOTHING` and stop when nothing was
 * inserted). Not in the seed; see `docs/DATA-MODEL.md`.
 */
import type { QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.sequelize.query(
      `CREATE TABLE webhook_events (
        svix_id       VARCHAR PRIMARY KEY,
        event_type    VARCHAR NOT NULL,
        processed_at  TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
      { transaction },
    );
    // Lets a retention job prune old ids (Svix retries for about three days).
    await qi.sequelize.query('CREATE INDEX webhook_events_processed_at_idx ON webhook_events (processed_at)', { transaction });
  });
};

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.sequelize.query('DROP TABLE webhook_events');
};
