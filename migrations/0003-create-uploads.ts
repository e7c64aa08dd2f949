/**
 * Uploaded resources (API.md "Uploads"):
 * - `uploads`: one row per upload URL handed out, from `pending` through the bytes arriving
 *   (`uploading` → `completed`, or `failed`) to `attached` (a resource was made of it).
 *   Uploads in flight (pending/uploading/completed, not yet expired) count against the
 *   group's quota; unattached ones are removed by a worker after 24 h.
 * - `resources` gain `content_type` and `storage_key` (stored content is served by
 *   `/api/resources/:id/content`; such rows have no `url`), `deleted_at` (when the soft
 *   delete happened: stored bytes are removed 30 days later) and `content_purged_at`.
 * `down` gives stored resources their content URL as `url` (so the old CHECK holds) and
 * drops the rest: the objects themselves are left in the store.
 */
import type { QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';

const UP: readonly string[] = [
  `CREATE TABLE uploads (
    id             UUID PRIMARY KEY,
    group_id       INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    uploader_id    VARCHAR NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    file_name      VARCHAR(255) NOT NULL,
    content_type   VARCHAR(255) NOT NULL,
    declared_size  BIGINT NOT NULL,
    measured_size  BIGINT,
    storage_key    VARCHAR NOT NULL,
    status         VARCHAR NOT NULL DEFAULT 'pending',
    resource_id    INTEGER REFERENCES resources (id) ON DELETE SET NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at   TIMESTAMPTZ,
    attached_at    TIMESTAMPTZ,
    CONSTRAINT uploads_storage_key_key UNIQUE (storage_key),
    CONSTRAINT uploads_status_check CHECK (status IN ('pending', 'uploading', 'completed', 'failed', 'attached')),
    CONSTRAINT uploads_declared_size_check CHECK (declared_size >= 0),
    CONSTRAINT uploads_measured_size_check CHECK (measured_size IS NULL OR measured_size >= 0),
    CONSTRAINT uploads_completed_check CHECK (status <> 'completed' OR (completed_at IS NOT NULL AND measured_size = declared_size)),
    CONSTRAINT uploads_attached_check CHECK (status <> 'attached' OR (attached_at IS NOT NULL AND measured_size IS NOT NULL))
  )`,
  // The quota: a group's uploads still in flight.
  `CREATE INDEX uploads_group_in_flight_idx ON uploads (group_id, expires_at) WHERE status IN ('pending', 'uploading', 'completed')`,
  // The sweeper: unattached uploads by age.
  `CREATE INDEX uploads_unattached_created_idx ON uploads (created_at) WHERE status <> 'attached'`,

  `ALTER TABLE resources
     ADD COLUMN content_type       VARCHAR(255),
     ADD COLUMN storage_key        VARCHAR,
     ADD COLUMN deleted_at         TIMESTAMPTZ,
     ADD COLUMN content_purged_at  TIMESTAMPTZ`,
  'ALTER TABLE resources DROP CONSTRAINT resources_url_required_check',
  `ALTER TABLE resources ADD CONSTRAINT resources_content_check
     CHECK (resource_type = 'folder' OR url IS NOT NULL OR storage_key IS NOT NULL)`,
  `ALTER TABLE resources ADD CONSTRAINT resources_stored_check
     CHECK (storage_key IS NULL OR (url IS NULL AND content_type IS NOT NULL AND file_size IS NOT NULL
            AND resource_type IN ('image', 'video', 'file')))`,
  'ALTER TABLE resources ADD CONSTRAINT resources_storage_key_key UNIQUE (storage_key)',
  // The quota: a group's live stored bytes.
  'CREATE INDEX resources_group_stored_live_idx ON resources (group_id) WHERE storage_key IS NOT NULL AND NOT is_deleted',
  // The sweeper: deleted stored resources whose bytes are still kept.
  `CREATE INDEX resources_stored_deleted_idx ON resources (deleted_at)
     WHERE storage_key IS NOT NULL AND is_deleted AND content_purged_at IS NULL`,
];

const DOWN: readonly string[] = [
  'DROP TABLE uploads',
  `UPDATE resources SET url = '/api/resources/' || id || '/content' WHERE storage_key IS NOT NULL`,
  'DROP INDEX resources_stored_deleted_idx',
  'DROP INDEX resources_group_stored_live_idx',
  `ALTER TABLE resources
     DROP CONSTRAINT resources_storage_key_key,
     DROP CONSTRAINT resources_stored_check,
     DROP CONSTRAINT resources_content_check,
     DROP COLUMN content_purged_at,
     DROP COLUMN deleted_at,
     DROP COLUMN storage_key,
     DROP COLUMN content_type`,
  `ALTER TABLE resources ADD CONSTRAINT resources_url_required_check CHECK (resource_type = 'folder' OR url IS NOT NULL)`,
];

async function runAll(qi: QueryInterface, statements: readonly string[]): Promise<void> {
  await qi.sequelize.transaction(async (transaction) => {
    for (const sql of statements) await qi.sequelize.query(sql, { transaction });
  });
}

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => runAll(qi, UP);
export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => runAll(qi, DOWN);
