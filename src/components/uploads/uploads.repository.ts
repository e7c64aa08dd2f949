import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

/**
 * The only SQL of uploads: the `uploads` table and the stored-content columns of
 * `resources`. Returns plain objects (camelCase), sizes as numbers.
 */

export type UploadStatus = 'pending' | 'uploading' | 'completed' | 'failed' | 'attached';

export interface UploadRow {
  id: string;
  groupId: number;
  uploaderId: string;
  fileName: string;
  contentType: string;
  declaredSize: number;
  measuredSize: number | null;
  storageKey: string;
  status: UploadStatus;
  resourceId: number | null;
  expiresAt: Date;
  createdAt: Date;
  completedAt: Date | null;
  attachedAt: Date | null;
}

const UPLOAD_COLUMNS = `id, group_id AS "groupId", uploader_id AS "uploaderId", file_name AS "fileName", content_type AS "contentType",
  declared_size::float8 AS "declaredSize", measured_size::float8 AS "measuredSize", storage_key AS "storageKey", status,
  resource_id AS "resourceId", expires_at AS "expiresAt", created_at AS "createdAt", completed_at AS "completedAt", attached_at AS "attachedAt"`;

const rows = <T extends object>(db: Sequelize, sql: string, replacements: Record<string, unknown>, transaction?: Transaction): Promise<T[]> =>
  db.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction });

/** Serialises quota decisions of one group (the group row lock, as for capacity). */
export async function lockGroupRow(db: Sequelize, groupId: number, transaction: Transaction): Promise<void> {
  await db.query('SELECT id FROM groups WHERE id = :groupId FOR UPDATE', { replacements: { groupId }, transaction });
}

/** Bytes of live stored resources and of uploads still in flight (not expired at `now`). */
export async function quotaUse(db: Sequelize, groupId: number, now: Date, transaction?: Transaction): Promise<{ storedBytes: number; inFlightBytes: number }> {
  const [row] = await rows<{ stored: number; inFlight: number }>(
    db,
    `SELECT
       (SELECT COALESCE(sum(file_size), 0)::float8 FROM resources WHERE group_id = :groupId AND storage_key IS NOT NULL AND NOT is_deleted) AS stored,
       (SELECT COALESCE(sum(declared_size), 0)::float8 FROM uploads
         WHERE group_id = :groupId AND status IN ('pending', 'uploading', 'completed') AND expires_at > :now) AS "inFlight"`,
    { groupId, now },
    transaction,
  );
  return { storedBytes: Number(row?.stored ?? 0), inFlightBytes: Number(row?.inFlight ?? 0) };
}

export async function insertUpload(
  db: Sequelize,
  upload: Pick<UploadRow, 'id' | 'groupId' | 'uploaderId' | 'fileName' | 'contentType' | 'declaredSize' | 'storageKey' | 'expiresAt'>,
  transaction?: Transaction,
): Promise<void> {
  await db.query(
    `INSERT INTO uploads (id, group_id, uploader_id, file_name, content_type, declared_size, storage_key, expires_at)
     VALUES (:id, :groupId, :uploaderId, :fileName, :contentType, :declaredSize, :storageKey, :expiresAt)`,
    { replacements: upload, transaction },
  );
}

export async function findUpload(db: Sequelize, id: string, transaction?: Transaction, forUpdate = false): Promise<UploadRow | null> {
  const [row] = await rows<UploadRow>(db, `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id = :id${forUpdate ? ' FOR UPDATE' : ''}`, { id }, transaction);
  return row ?? null;
}

/** Takes the single use of a pending, unexpired upload for its PUT; null when it is not (any more) pending. */
export async function claimForPut(db: Sequelize, id: string, now: Date): Promise<UploadRow | null> {
  const [row] = await rows<UploadRow>(
    db,
    `UPDATE uploads SET status = 'uploading' WHERE id = :id AND status = 'pending' AND expires_at > :now RETURNING ${UPLOAD_COLUMNS}`,
    { id, now },
  );
  return row ?? null;
}

export async function markCompleted(db: Sequelize, id: string, size: number, now: Date): Promise<void> {
  await db.query(`UPDATE uploads SET status = 'completed', measured_size = :size, completed_at = :now WHERE id = :id AND status = 'uploading'`, {
    replacements: { id, size, now },
  });
}

export async function markFailed(db: Sequelize, id: string): Promise<void> {
  await db.query(`UPDATE uploads SET status = 'failed' WHERE id = :id AND status = 'uploading'`, { replacements: { id } });
}

export async function markAttached(db: Sequelize, id: string, resourceId: number, size: number, now: Date, transaction: Transaction): Promise<void> {
  await db.query(
    `UPDATE uploads SET status = 'attached', resource_id = :resourceId, measured_size = :size, attached_at = :now,
       completed_at = COALESCE(completed_at, :now) WHERE id = :id`,
    { replacements: { id, resourceId, size, now }, transaction },
  );
}

export interface StoredResource {
  id: number;
  groupId: number;
  title: string;
  storageKey: string;
  contentType: string;
  fileSize: number;
  /** The uploader's file name (falls back to the title for rows whose upload is gone). */
  fileName: string;
  createdAt: Date;
}

/** A live resource with stored content; null when absent, deleted, or not uploaded content. */
export async function findStoredResource(db: Sequelize, id: number): Promise<StoredResource | null> {
  const [row] = await rows<StoredResource>(
    db,
    `SELECT r.id, r.group_id AS "groupId", r.title, r.storage_key AS "storageKey", r.content_type AS "contentType",
            r.file_size::float8 AS "fileSize", COALESCE(u.file_name, r.title) AS "fileName", r.created_at AS "createdAt"
     FROM resources r LEFT JOIN uploads u ON u.resource_id = r.id
     WHERE r.id = :id AND NOT r.is_deleted AND r.storage_key IS NOT NULL`,
    { id },
  );
  return row ?? null;
}

/** Uploads never attached, created before `before` (oldest first). */
export function unattachedUploadsBefore(db: Sequelize, before: Date, limit: number): Promise<Array<{ id: string; storageKey: string }>> {
  return rows(db, `SELECT id, storage_key AS "storageKey" FROM uploads WHERE status <> 'attached' AND created_at < :before ORDER BY created_at LIMIT :limit`, {
    before,
    limit,
  });
}

/** Removes an upload row unless it got attached meanwhile; true when removed. */
export async function deleteUnattachedUpload(db: Sequelize, id: string): Promise<boolean> {
  const removed = await rows(db, `DELETE FROM uploads WHERE id = :id AND status <> 'attached' RETURNING id`, { id });
  return removed.length > 0;
}

/** Deleted resources whose stored bytes are still kept, deleted before `before`. */
export function deletedStoredResourcesBefore(db: Sequelize, before: Date, limit: number): Promise<Array<{ id: number; storageKey: string }>> {
  return rows(
    db,
    `SELECT id, storage_key AS "storageKey" FROM resources
     WHERE storage_key IS NOT NULL AND is_deleted AND content_purged_at IS NULL AND deleted_at < :before
     ORDER BY deleted_at LIMIT :limit`,
    { before, limit },
  );
}

export async function markContentPurged(db: Sequelize, id: number, now: Date): Promise<void> {
  await db.query('UPDATE resources SET content_purged_at = :now WHERE id = :id AND is_deleted', { replacements: { id, now } });
}
