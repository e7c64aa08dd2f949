import type { Actor, AppContext } from '../../context';
import type { Db } from '../../db/access';
import type { ResourceType } from '../../db/models/enums';
import { conflict, notFound, validationFailed } from '../../lib/errors';
import type { Action } from '../../shared/policy';
import { lockGroup, requireAccess } from '../groups';
import { markAttached, takeUpload, type StoredResourceType } from '../uploads';
import { nextProgress, type ProgressChange } from './progress.rules';
import { toProgressDto, toResourceDto, type ProgressDto, type ProgressRow, type ResourceDto } from './resource.dto';
import * as resources from './resources.repository';

async function resourceDto(db: Db, resourceId: number, userId: string): Promise<ResourceDto> {
  const row = await resources.resourceRow(db, resourceId, userId);
  if (!row) throw notFound('Resource');
  return toResourceDto(row, userId);
}

/** The broadcast shape: the same Resource, without the per-user `myProgress`. */
const forRoom = (dto: ResourceDto): ResourceDto => ({ ...dto, myProgress: null });

/**
 * A live resource and the caller's access for `action`: NOT_FOUND when absent, deleted
 * or in a private group they are not in; FORBIDDEN as the policy says.
 */
async function loadResource(db: Db, resourceId: number, userId: string, action: Action) {
  const resource = await resources.findResource(db, resourceId);
  if (!resource || resource.isDeleted) throw notFound('Resource');
  await requireAccess(db, resource.groupId, userId, action, { own: resource.uploadedBy === userId });
  return resource;
}

async function requireParentFolder(db: Db, groupId: number, parentId: number): Promise<void> {
  if (!(await resources.isLiveFolder(db, groupId, parentId))) {
    throw validationFailed([{ field: 'body.parentFolderId', message: 'must be a live folder of this group' }]);
  }
}

export async function listResources(ctx: AppContext, actor: Actor, input: { groupId: number; parentFolderId?: number }): Promise<ResourceDto[]> {
  const { groupId, parentFolderId } = input;
  await requireAccess(ctx.sequelize, groupId, actor.userId, 'resources.view');
  if (parentFolderId !== undefined && !(await resources.isLiveFolder(ctx.sequelize, groupId, parentFolderId))) throw notFound('Folder');
  const rows = await resources.resourceRows(ctx.sequelize, groupId, actor.userId, parentFolderId ?? null);
  return rows.map((row) => toResourceDto(row, actor.userId));
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

/** Adds a resource, folder or uploaded file; `resource:created` after the commit. */
export async function createResource(ctx: AppContext, actor: Actor, input: ResourceInput & { groupId: number }): Promise<ResourceDto> {
  const { groupId, uploadId } = input;
  const dto = await ctx.sequelize.transaction(async (tx) => {
    await requireAccess(tx, groupId, actor.userId, 'resource.add');
    if (input.parentFolderId != null) {
      await lockGroup(tx, groupId);
      await requireParentFolder(tx, groupId, input.parentFolderId);
    }
    const content =
      uploadId === undefined
        ? null
        : await takeUpload(ctx, { groupId, userId: actor.userId, uploadId, resourceType: input.resourceType as StoredResourceType }, tx);
    const resourceId = await resources.insertResource(tx, {
      groupId,
      uploadedBy: actor.userId,
      title: input.title,
      resourceType: input.resourceType,
      url: input.resourceType === 'folder' || content ? null : (input.url ?? null),
      description: input.description ?? null,
      parentFolderId: input.parentFolderId ?? null,
      fileSize: content ? content.size : (input.fileSize ?? null),
      contentType: content?.contentType ?? null,
      storageKey: content?.storageKey ?? null,
    });
    if (content && uploadId !== undefined) await markAttached(ctx, { uploadId, resourceId, size: content.size }, tx);
    return resourceDto(tx, resourceId, actor.userId);
  });
  ctx.broadcast.toGroup(groupId, 'resource:created', { groupId, resource: forRoom(dto) });
  return dto;
}

export type ResourceChanges = Partial<Omit<ResourceInput, 'resourceType' | 'uploadId'>>;

/** Edits or moves a resource (a folder never into its own subtree); `resource:updated` after the commit. */
export async function updateResource(ctx: AppContext, actor: Actor, input: { resourceId: number; changes: ResourceChanges }): Promise<ResourceDto> {
  const { changes } = input;
  const dto = await ctx.sequelize.transaction(async (tx) => {
    const resource = await loadResource(tx, input.resourceId, actor.userId, 'resource.edit');
    const isFolder = resource.resourceType === 'folder';
    if (isFolder && changes.url != null) throw validationFailed([{ field: 'body.url', message: 'folders have no url' }]);
    if (resource.storageKey) {
      const fixed = (['url', 'fileSize'] as const).filter((field) => changes[field] !== undefined);
      if (fixed.length)
        throw validationFailed(fixed.map((field) => ({ field: `body.${field}`, message: 'uploaded content keeps its own url and measured size' })));
    }
    if (!isFolder && changes.url === null) throw validationFailed([{ field: 'body.url', message: 'required for this resource type' }]);
    if (changes.parentFolderId != null) {
      await lockGroup(tx, resource.groupId);
      await requireParentFolder(tx, resource.groupId, changes.parentFolderId);
      if (changes.parentFolderId === resource.id) throw conflict('A folder cannot be moved into itself');
      if (isFolder && (await resources.isInSubtreeOf(tx, changes.parentFolderId, resource.id)))
        throw conflict('A folder cannot be moved into its own subfolder');
    }
    await resources.updateResource(tx, resource.id, changes);
    return resourceDto(tx, resource.id, actor.userId);
  });
  ctx.broadcast.toGroup(dto.groupId, 'resource:updated', { groupId: dto.groupId, resource: forRoom(dto) });
  return dto;
}

/** Soft-deletes a resource (a folder with its live subtree); `resource:deleted` after the commit. */
export async function deleteResource(ctx: AppContext, actor: Actor, input: { resourceId: number }): Promise<void> {
  const groupId = await ctx.sequelize.transaction(async (tx) => {
    const resource = await loadResource(tx, input.resourceId, actor.userId, 'resource.delete');
    await lockGroup(tx, resource.groupId);
    await resources.deleteSubtree(tx, resource.id);
    return resource.groupId;
  });
  ctx.broadcast.toGroup(groupId, 'resource:deleted', { groupId, resourceId: input.resourceId });
}

const rowOf = (p: resources.ProgressRecord | null): ProgressRow | null =>
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

/** Records my progress (the next state by `nextProgress`); `progress:updated` after the commit. */
export async function putProgress(ctx: AppContext, actor: Actor, input: ProgressChange & { resourceId: number; notes?: string | null }): Promise<ProgressDto> {
  const { resourceId } = input;
  const { userId } = actor;
  const { dto, groupId } = await ctx.sequelize.transaction(async (tx) => {
    const resource = await loadResource(tx, resourceId, userId, 'progress.record');
    noProgressForFolders(resource.resourceType);
    await resources.lockProgressOf(tx, userId, resourceId);
    const current = await resources.findProgress(tx, resourceId, userId);
    const result = nextProgress(
      current && {
        status: current.status,
        progressPercentage: current.progressPercentage,
        startedAt: current.startedAt ?? null,
        completedAt: current.completedAt ?? null,
      },
      { status: input.status, progressPercentage: input.progressPercentage },
      new Date(),
    );
    if (!result.ok) throw validationFailed(result.issues, `Invalid ${result.issues.map((i) => i.field).join(', ')}`);
    const values = { ...result.state, ...(input.notes !== undefined ? { notes: input.notes } : {}) };
    const row = await resources.saveProgress(tx, { resourceId, userId }, values, current !== null);
    return { dto: toProgressDto(resourceId, userId, rowOf(row)), groupId: resource.groupId };
  });
  ctx.broadcast.toGroup(groupId, 'progress:updated', { groupId, resourceId, userId, status: dto.status, progressPercentage: dto.progressPercentage });
  return dto;
}

export async function getMyProgress(ctx: AppContext, actor: Actor, input: { resourceId: number }): Promise<ProgressDto> {
  const resource = await loadResource(ctx.sequelize, input.resourceId, actor.userId, 'progress.view');
  noProgressForFolders(resource.resourceType);
  return toProgressDto(input.resourceId, actor.userId, rowOf(await resources.findProgress(ctx.sequelize, input.resourceId, actor.userId)));
}

export async function getAllProgress(ctx: AppContext, actor: Actor, input: { resourceId: number }): Promise<ProgressDto[]> {
  const resource = await loadResource(ctx.sequelize, input.resourceId, actor.userId, 'progress.view');
  noProgressForFolders(resource.resourceType);
  const rows = await resources.memberProgressRows(ctx.sequelize, input.resourceId, resource.groupId);
  return rows.map((r) => toProgressDto(input.resourceId, r.user_id, r.status ? { ...r, status: r.status } : null));
}
