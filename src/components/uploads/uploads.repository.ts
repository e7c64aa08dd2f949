import type { Transaction } from 'sequelize';
import { type Db, execute, select, selectOne } from '../../db/access';

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

/** Bytes of live stored resources and of uploads still in flight (not expired at `now`). */
export async function quotaUse(db: Db, groupId: number, now: Date): Promise<{ storedBytes: number; inFlightBytes: number }> {
  const row = await selectOne<{ stored: number; inFlight: number }>(
    db,
    `SELECT
       (SELECT COALESCE(sum(file_size), 0)::float8 FROM resources WHERE group_id = :groupId AND storage_key IS NOT NULL AND NOT is_deleted) AS stored,
       (SELECT COALESCE(sum(declared_size), 0)::float8 FROM uploads
         WHERE group_id = :groupId AND status IN ('pending', 'uploading', 'completed') AND expires_at > :now) AS "inFlight"`,
    { groupId, now },
  );
  return { storedBytes: Number(row?.stored ?? 0), inFlightBytes: Number(row?.inFlight ?? 0) };
}

export async function insertUpload(
  db: Db,
  upload: Pick<UploadRow, 'id' | 'groupId' | 'uploaderId' | 'fileName' | 'contentType' | 'declaredSize' | 'storageKey' | 'expiresAt'>,
): Promise<void> {
  await execute(
    db,
    `INSERT INTO uploads (id, group_id, uploader_id, file_name, content_type, declared_size, storage_key, expires_at)
     VALUES (:id, :groupId, :uploaderId, :fileName, :contentType, :declaredSize, :storageKey, :expiresAt)`,
    { ...upload },
  );
}

export function findUpload(db: Db, id: string): Promise<UploadRow | null> {
  return selectOne<UploadRow>(db, `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id = :id`, { id });
}

/** The upload row, locked until the transaction ends (a second attach waits, then sees it attached). */
export function lockUpload(tx: Transaction, id: string): Promise<UploadRow | null> {
  return selectOne<UploadRow>(tx, `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id = :id FOR UPDATE`, { id });
}

/** Takes the single use of a pending, unexpired upload for its PUT; null when it is not (any more) pending. */
export function claimForPut(db: Db, id: string, now: Date): Promise<UploadRow | null> {
  return selectOne<UploadRow>(
    db,
    `UPDATE uploads SET status = 'uploading' WHERE id = :id AND status = 'pending' AND expires_at > :now RETURNING ${UPLOAD_COLUMNS}`,
    { id, now },
  );
}

export async function markCompleted(db: Db, id: string, size: number, now: Date): Promise<void> {
  await execute(db, `UPDATE uploads SET status = 'completed', measured_size = :size, completed_at = :now WHERE id = :id AND status = 'uploading'`, {
    id,
    size,
    now,
  });
}

export async function markFailed(db: Db, id: string): Promise<void> {
  await execute(db, `UPDATE uploads SET status = 'failed' WHERE id = :id AND status = 'uploading'`, { id });
}

export async function markAttached(db: Db, id: string, resourceId: number, size: number, now: Date): Promise<void> {
  await execute(
    db,
    `UPDATE uploads SET status = 'attached', resource_id = :resourceId, measured_size = :size, attached_at = :now,
       completed_at = COALESCE(completed_at, :now) WHERE id = :id`,
    { id, resourceId, size, now },
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
export function findStoredResource(db: Db, id: number): Promise<StoredResource | null> {
  return selectOne<StoredResource>(
    db,
    `SELECT r.id, r.group_id AS "groupId", r.title, r.storage_key AS "storageKey", r.content_type AS "contentType",
            r.file_size::float8 AS "fileSize", COALESCE(u.file_name, r.title) AS "fileName", r.created_at AS "createdAt"
     FROM resources r LEFT JOIN uploads u ON u.resource_id = r.id
     WHERE r.id = :id AND NOT r.is_deleted AND r.storage_key IS NOT NULL`,
    { id },
  );
}

/** Uploads never attached, created before `before` (oldest first). */
export function unattachedUploadsBefore(db: Db, before: Date, limit: number): Promise<Array<{ id: string; storageKey: string }>> {
  return select(
    db,
    `SELECT id, storage_key AS "storageKey" FROM uploads WHERE status <> 'attached' AND created_at < :before ORDER BY created_at LIMIT :limit`,
    {
      before,
      limit,
    },
  );
}

/** Removes an upload row unless it got attached meanwhile; true when removed. */
export async function deleteUnattachedUpload(db: Db, id: string): Promise<boolean> {
  const removed = await select(db, `DELETE FROM uploads WHERE id = :id AND status <> 'attached' RETURNING id`, { id });
  return removed.length > 0;
}

/** Deleted resources whose stored bytes are still kept, deleted before `before`. */
export function deletedStoredResourcesBefore(db: Db, before: Date, limit: number): Promise<Array<{ id: number; storageKey: string }>> {
  return select(
    db,
    `SELECT id, storage_key AS "storageKey" FROM resources
     WHERE storage_key IS NOT NULL AND is_deleted AND content_purged_at IS NULL AND deleted_at < :before
     ORDER BY deleted_at LIMIT :limit`,
    { before, limit },
  );
}

export async function markContentPurged(db: Db, id: number, now: Date): Promise<void> {
  await execute(db, 'UPDATE resources SET content_purged_at = :now WHERE id = :id AND is_deleted', { id, now });
}
