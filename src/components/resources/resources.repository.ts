import type { CreationAttributes, InferAttributes, Transaction } from 'sequelize';
import { type Db, execute, plain, select, selectOne, within } from '../../db/access';
import { Resource, ResourceProgress } from '../../db/models';
import type { ProgressRow, ResourceRow } from './resource.dto';

/** The only data access of resources and progress (`resources`, `resource_progress`). Returns plain objects. */

export type ResourceRecord = InferAttributes<Resource>;
export type ProgressRecord = InferAttributes<ResourceProgress>;
export type ResourceChanges = Partial<Pick<ResourceRecord, 'title' | 'url' | 'description' | 'parentFolderId' | 'fileSize'>>;

export async function findResource(db: Db, resourceId: number): Promise<ResourceRecord | null> {
  return plain<ResourceRecord>(await Resource.findByPk(resourceId, within(db)));
}

/** Is `folderId` a live folder of the group? */
export async function isLiveFolder(db: Db, groupId: number, folderId: number): Promise<boolean> {
  const folder = await Resource.findOne({ where: { id: folderId, groupId, isDeleted: false, resourceType: 'folder' }, attributes: ['id'], ...within(db) });
  return folder !== null;
}

export async function insertResource(
  db: Db,
  values: Pick<
    CreationAttributes<Resource>,
    'groupId' | 'uploadedBy' | 'title' | 'resourceType' | 'url' | 'description' | 'parentFolderId' | 'fileSize' | 'contentType' | 'storageKey'
  >,
): Promise<number> {
  const created = await Resource.create(values, within(db));
  return created.id;
}

/** Writes the fields that differ (`updated_at` moves only when one does). */
export async function updateResource(db: Db, resourceId: number, changes: ResourceChanges): Promise<void> {
  const resource = await Resource.findByPk(resourceId, within(db));
  await resource?.update(changes, within(db));
}

/** Would moving folder `folderId` into `parentId` put it inside its own subtree? */
export async function isInSubtreeOf(db: Db, parentId: number, folderId: number): Promise<boolean> {
  const found = await selectOne(
    db,
    `WITH RECURSIVE ancestors AS (
       SELECT id, parent_folder_id FROM resources WHERE id = :parentId
       UNION SELECT r.id, r.parent_folder_id FROM resources r JOIN ancestors a ON r.id = a.parent_folder_id)
     SELECT 1 AS found FROM ancestors WHERE id = :id LIMIT 1`,
    { parentId, id: folderId },
  );
  return found !== null;
}

/** Soft-deletes the resource and (a folder) its whole live subtree, in one statement. */
export async function deleteSubtree(db: Db, resourceId: number): Promise<void> {
  await execute(
    db,
    `WITH RECURSIVE subtree AS (
       SELECT id FROM resources WHERE id = :id
       UNION SELECT r.id FROM resources r JOIN subtree s ON r.parent_folder_id = s.id WHERE NOT r.is_deleted)
     UPDATE resources SET is_deleted = true, deleted_at = now(), updated_at = now() WHERE id IN (SELECT id FROM subtree) AND NOT is_deleted`,
    { id: resourceId },
  );
}

// ------------------------------------------------------------------ Resource DTO rows

const RESOURCE_SELECT = `
  SELECT r.*, p.status AS p_status, p.progress_percentage AS p_progress_percentage, p.notes AS p_notes,
         p.started_at AS p_started_at, p.completed_at AS p_completed_at, p.last_updated AS p_last_updated
  FROM resources r LEFT JOIN resource_progress p ON p.resource_id = r.id AND p.user_id = :userId`;

/** The row of the Resource DTO with `userId`'s progress. */
export function resourceRow(db: Db, resourceId: number, userId: string): Promise<ResourceRow | null> {
  return selectOne<ResourceRow>(db, `${RESOURCE_SELECT} WHERE r.id = :id`, { id: resourceId, userId });
}

/** The live resources of one folder (`parentFolderId` null: the root), folders first, by title. */
export function resourceRows(db: Db, groupId: number, userId: string, parentFolderId: number | null): Promise<ResourceRow[]> {
  return select<ResourceRow>(
    db,
    `${RESOURCE_SELECT} WHERE r.group_id = :groupId AND NOT r.is_deleted AND ${parentFolderId === null ? 'r.parent_folder_id IS NULL' : 'r.parent_folder_id = :parentFolderId'}
     ORDER BY (r.resource_type = 'folder') DESC, lower(r.title), r.id`,
    { groupId, userId, parentFolderId },
  );
}

// ---------------------------------------------------------------------------- progress

/**
 * Serialises one user's progress writes on one resource until the transaction ends
 * (a transaction-scoped advisory lock: it also covers the first write, when there is no
 * row to lock yet).
 */
export async function lockProgressOf(tx: Transaction, userId: string, resourceId: number): Promise<void> {
  await execute(tx, 'SELECT pg_advisory_xact_lock(hashtext(:key))', { key: `progress:${userId}:${resourceId}` });
}

/** The user's progress row on the resource (locked when in a transaction), or null before their first write. */
export async function findProgress(db: Db, resourceId: number, userId: string): Promise<ProgressRecord | null> {
  const options = within(db);
  return plain<ProgressRecord>(
    await ResourceProgress.findOne({ where: { resourceId, userId }, ...options, lock: options.transaction ? options.transaction.LOCK.UPDATE : undefined }),
  );
}

/** Writes the user's progress (insert, or update touching `last_updated` even when nothing else changes). */
export async function saveProgress(
  tx: Transaction,
  key: { resourceId: number; userId: string },
  values: Partial<Pick<ProgressRecord, 'status' | 'progressPercentage' | 'startedAt' | 'completedAt' | 'notes'>>,
  exists: boolean,
): Promise<ProgressRecord> {
  if (!exists) return (await ResourceProgress.create({ ...key, ...values }, within(tx))).get({ plain: true }) as ProgressRecord;
  const [, rows] = await ResourceProgress.update(values, { where: key, returning: true, ...within(tx) });
  const [row] = rows;
  if (!row) throw new Error('progress row vanished under its lock');
  return row.get({ plain: true }) as ProgressRecord;
}

/** Every current member of the group with their progress on the resource (null columns when none). */
export function memberProgressRows(
  db: Db,
  resourceId: number,
  groupId: number,
): Promise<Array<Omit<ProgressRow, 'status'> & { user_id: string; status: ProgressRow['status'] | null }>> {
  return select(
    db,
    `SELECT m.user_id, p.status, p.progress_percentage, p.notes, p.started_at, p.completed_at, p.last_updated
     FROM groupings m LEFT JOIN resource_progress p ON p.user_id = m.user_id AND p.resource_id = :resourceId
     WHERE m.group_id = :groupId ORDER BY m.user_id`,
    { resourceId, groupId },
  );
}
