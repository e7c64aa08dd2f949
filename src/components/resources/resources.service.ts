import { QueryTypes, type Transaction } from 'sequelize';
import { Group, Resource, ResourceProgress, type ResourceType } from '../../db/models';
import type { AppContext } from '../../context';
import { conflict, forbidden, notFound, validationFailed } from '../../lib/errors';
import { requireMember } from '../groups/group-access';
import { markAttached, takeUpload } from '../uploads/uploads.service';
import type { StoredResourceType } from '../uploads/uploads.rules';
import { toProgressDto, toResourceDto, type ProgressDto, type ProgressRow, type ResourceDto, type ResourceRow } from './resource.dto';
import { canAddResource, canManageResource, nextProgress, type ProgressChange } from './progress.rules';

const RESOURCE_SELECT = `
  SELECT r.*, p.status AS p_status, p.progress_percentage AS p_progress_percentage, p.notes AS p_notes,
         p.started_at AS p_started_at, p.completed_at AS p_completed_at, p.last_updated AS p_last_updated
  FROM resources r LEFT JOIN resource_progress p ON p.resource_id = r.id AND p.user_id = :userId`;

async function resourceDto(ctx: AppContext, id: number, userId: string, transaction?: Transaction): Promise<ResourceDto> {
  const [row] = await ctx.sequelize.query<ResourceRow>(`${RESOURCE_SELECT} WHERE r.id = :id`, {
    replacements: { id, userId },
    type: QueryTypes.SELECT,
    transaction,
  });
  if (!row) throw notFound('Resource');
  return toResourceDto(row, userId);
}

/** The broadcast shape: the same Resource, without the per-user `myProgress`. */
const forRoom = (dto: ResourceDto): ResourceDto => ({ ...dto, myProgress: null });

/** A live resource the caller may see: NOT_FOUND when absent, deleted or in a private group they are not in. */
async function loadResource(resourceId: number, userId: string, transaction?: Transaction) {
  const resource = await Resource.findByPk(resourceId, { transaction });
  if (!resource || resource.isDeleted) throw notFound('Resource');
  const access = await requireMember(resource.groupId, userId, transaction);
  return { resource, ...access };
}

const lockGroup = (groupId: number, transaction: Transaction) => Group.findByPk(groupId, { transaction, lock: transaction.LOCK.UPDATE });

async function requireParentFolder(groupId: number, parentId: number, transaction?: Transaction): Promise<void> {
  const parent = await Resource.findOne({ where: { id: parentId, groupId, isDeleted: false, resourceType: 'folder' }, attributes: ['id'], transaction });
  if (!parent) throw validationFailed([{ field: 'body.parentFolderId', message: 'must be a live folder of this group' }]);
}

export async function listResources(ctx: AppContext, groupId: number, userId: string, parentFolderId?: number): Promise<ResourceDto[]> {
  await requireMember(groupId, userId);
  if (parentFolderId !== undefined) {
    const parent = await Resource.findOne({ where: { id: parentFolderId, groupId, isDeleted: false, resourceType: 'folder' }, attributes: ['id'] });
    if (!parent) throw notFound('Folder');
  }
  const rows = await ctx.sequelize.query<ResourceRow>(
    `${RESOURCE_SELECT} WHERE r.group_id = :groupId AND NOT r.is_deleted AND ${parentFolderId === undefined ? 'r.parent_folder_id IS NULL' : 'r.parent_folder_id = :parentFolderId'}
     ORDER BY (r.resource_type = 'folder') DESC, lower(r.title), r.id`,
    { replacements: { groupId, userId, parentFolderId: parentFolderId ?? null }, type: QueryTypes.SELECT },
  );
  return rows.map((row) => toResourceDto(row, userId));
}

export interface ResourceInput {
  title: string;
  resourceType: ResourceType;
  url?: string | null;
  description?: string | null;
  parentFolderId?: number | null;
  fileSize?: number | null;
  /** image, video, file: the completed upload whose bytes the resource serves. */
  uploadId?: string;
}

export async function createResource(ctx: AppContext, groupId: number, userId: string, input: ResourceInput): Promise<ResourceDto> {
  const dto = await ctx.sequelize.transaction(async (transaction) => {
    const { group, role } = await requireMember(groupId, userId, transaction);
    if (!canAddResource(role, group.groupType)) throw forbidden('Only leaders add resources to this group');
    if (input.parentFolderId != null) {
      await lockGroup(groupId, transaction);
      await requireParentFolder(groupId, input.parentFolderId, transaction);
    }
    const { uploadId } = input;
    const content =
      uploadId === undefined ? null : await takeUpload(ctx, { groupId, userId, uploadId, resourceType: input.resourceType as StoredResourceType }, transaction);
    const created = await Resource.create(
      {
        groupId,
        uploadedBy: userId,
        title: input.title,
        resourceType: input.resourceType,
        url: input.resourceType === 'folder' || content ? null : (input.url ?? null),
        description: input.description ?? null,
        parentFolderId: input.parentFolderId ?? null,
        fileSize: content ? content.size : (input.fileSize ?? null),
        contentType: content?.contentType ?? null,
        storageKey: content?.storageKey ?? null,
      },
      { transaction },
    );
    if (content && uploadId !== undefined) await markAttached(ctx, uploadId, created.id, content.size, transaction);
    return resourceDto(ctx, created.id, userId, transaction);
  });
  ctx.broadcast.toGroup(groupId, 'resource:created', { groupId, resource: forRoom(dto) });
  return dto;
}

export type ResourceChanges = Partial<Omit<ResourceInput, 'resourceType'>>;

export async function updateResource(ctx: AppContext, resourceId: number, userId: string, changes: ResourceChanges): Promise<ResourceDto> {
  const dto = await ctx.sequelize.transaction(async (transaction) => {
    const { resource, group, role } = await loadResource(resourceId, userId, transaction);
    if (!canManageResource(role, group.groupType, resource.uploadedBy === userId)) throw forbidden('You may not edit this resource');
    const isFolder = resource.resourceType === 'folder';
    if (isFolder && changes.url != null) throw validationFailed([{ field: 'body.url', message: 'folders have no url' }]);
    if (resource.storageKey) {
      const fixed = (['url', 'fileSize'] as const).filter((field) => changes[field] !== undefined);
      if (fixed.length)
        throw validationFailed(fixed.map((field) => ({ field: `body.${field}`, message: 'uploaded content keeps its own url and measured size' })));
    }
    if (!isFolder && changes.url === null) throw validationFailed([{ field: 'body.url', message: 'required for this resource type' }]);
    if (changes.parentFolderId != null) {
      await lockGroup(resource.groupId, transaction);
      await requireParentFolder(resource.groupId, changes.parentFolderId, transaction);
      if (changes.parentFolderId === resource.id) throw conflict('A folder cannot be moved into itself');
      if (isFolder) {
        const [cycle] = await ctx.sequelize.query(
          `WITH RECURSIVE ancestors AS (
             SELECT id, parent_folder_id FROM resources WHERE id = :parentId
             UNION SELECT r.id, r.parent_folder_id FROM resources r JOIN ancestors a ON r.id = a.parent_folder_id)
           SELECT 1 AS found FROM ancestors WHERE id = :id LIMIT 1`,
          { replacements: { parentId: changes.parentFolderId, id: resource.id }, type: QueryTypes.SELECT, transaction },
        );
        if (cycle) throw conflict('A folder cannot be moved into its own subfolder');
      }
    }
    await resource.update(changes, { transaction });
    return resourceDto(ctx, resource.id, userId, transaction);
  });
  ctx.broadcast.toGroup(dto.groupId, 'resource:updated', { groupId: dto.groupId, resource: forRoom(dto) });
  return dto;
}

export async function deleteResource(ctx: AppContext, resourceId: number, userId: string): Promise<void> {
  const groupId = await ctx.sequelize.transaction(async (transaction) => {
    const { resource, group, role } = await loadResource(resourceId, userId, transaction);
    if (!canManageResource(role, group.groupType, resource.uploadedBy === userId)) throw forbidden('You may not delete this resource');
    await lockGroup(resource.groupId, transaction);
    // The folder and its whole live subtree, in one statement.
    await ctx.sequelize.query(
      `WITH RECURSIVE subtree AS (
         SELECT id FROM resources WHERE id = :id
         UNION SELECT r.id FROM resources r JOIN subtree s ON r.parent_folder_id = s.id WHERE NOT r.is_deleted)
       UPDATE resources SET is_deleted = true, deleted_at = now(), updated_at = now() WHERE id IN (SELECT id FROM subtree) AND NOT is_deleted`,
      { replacements: { id: resource.id }, transaction },
    );
    return resource.groupId;
  });
  ctx.broadcast.toGroup(groupId, 'resource:deleted', { groupId, resourceId });
}

async function progressRow(resourceId: number, userId: string, transaction?: Transaction): Promise<ResourceProgress | null> {
  return ResourceProgress.findOne({ where: { resourceId, userId }, transaction, lock: transaction ? transaction.LOCK.UPDATE : undefined });
}

const rowOf = (p: ResourceProgress | null): ProgressRow | null =>
  p && {
    status: p.status,
    progress_percentage: p.progressPercentage,
    notes: p.notes ?? null,
    started_at: p.startedAt ?? null,
    completed_at: p.completedAt ?? null,
    last_updated: p.lastUpdated,
  };

const noProgressForFolders = (type: ResourceType): void => {
  if (type === 'folder') throw conflict('Folders have no progress');
};

export async function putProgress(
  ctx: AppContext,
  resourceId: number,
  userId: string,
  change: ProgressChange & { notes?: string | null },
): Promise<ProgressDto> {
  const { dto, groupId } = await ctx.sequelize.transaction(async (transaction) => {
    const { resource } = await loadResource(resourceId, userId, transaction);
    noProgressForFolders(resource.resourceType);
    // Serialises a user's concurrent first writes on this resource too (no row to lock yet).
    await ctx.sequelize.query('SELECT pg_advisory_xact_lock(hashtext(:key))', { replacements: { key: `progress:${userId}:${resourceId}` }, transaction });
    const current = await progressRow(resourceId, userId, transaction);
    const result = nextProgress(
      current && {
        status: current.status,
        progressPercentage: current.progressPercentage,
        startedAt: current.startedAt ?? null,
        completedAt: current.completedAt ?? null,
      },
      change,
      new Date(),
    );
    if (!result.ok) throw validationFailed(result.issues, `Invalid ${result.issues.map((i) => i.field).join(', ')}`);
    const values = { ...result.state, ...(change.notes !== undefined ? { notes: change.notes } : {}) };
    let row: ResourceProgress;
    if (current) {
      current.changed('lastUpdated', true);
      row = await current.update(values, { transaction });
    } else {
      row = await ResourceProgress.create({ resourceId, userId, ...values }, { transaction });
    }
    return { dto: toProgressDto(resourceId, userId, rowOf(row)), groupId: resource.groupId };
  });
  ctx.broadcast.toGroup(groupId, 'progress:updated', { groupId, resourceId, userId, status: dto.status, progressPercentage: dto.progressPercentage });
  return dto;
}

export async function getMyProgress(resourceId: number, userId: string): Promise<ProgressDto> {
  const { resource } = await loadResource(resourceId, userId);
  noProgressForFolders(resource.resourceType);
  return toProgressDto(resourceId, userId, rowOf(await progressRow(resourceId, userId)));
}

export async function getAllProgress(ctx: AppContext, resourceId: number, userId: string): Promise<ProgressDto[]> {
  const { resource } = await loadResource(resourceId, userId);
  noProgressForFolders(resource.resourceType);
  const rows = await ctx.sequelize.query<ProgressRow & { user_id: string; status: ProgressRow['status'] | null }>(
    `SELECT m.user_id, p.status, p.progress_percentage, p.notes, p.started_at, p.completed_at, p.last_updated
     FROM groupings m LEFT JOIN resource_progress p ON p.user_id = m.user_id AND p.resource_id = :resourceId
     WHERE m.group_id = :groupId ORDER BY m.user_id`,
    { replacements: { resourceId, groupId: resource.groupId }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => toProgressDto(resourceId, r.user_id, r.status ? r : null));
}
