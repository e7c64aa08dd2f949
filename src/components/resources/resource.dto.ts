import type { ProgressStatus, ResourceType } from '../../db/models/enums';
import type { z } from '../../lib/validation';
import { iso } from '../../lib/iso';
import { ProgressSchema, ResourceSchema } from '../../shared/contract';

/** The wire shapes are the contract's (src/shared/contract/resources.ts); the mappers from rows are here. */
export { ProgressSchema, ResourceSchema };

export type ProgressDto = z.infer<typeof ProgressSchema>;

export type ResourceDto = z.infer<typeof ResourceSchema>;

export interface ProgressRow {
  status: ProgressStatus;
  progress_percentage: number;
  notes: string | null;
  started_at: Date | null;
  completed_at: Date | null;
  last_updated: Date | null;
}

export function toProgressDto(resourceId: number, userId: string, row: ProgressRow | null): ProgressDto {
  if (!row) return { resourceId, userId, status: 'not_started', progressPercentage: 0, notes: null, startedAt: null, completedAt: null, lastUpdated: null };
  return {
    resourceId,
    userId,
    status: row.status,
    progressPercentage: row.progress_percentage,
    notes: row.notes,
    startedAt: iso(row.started_at),
    completedAt: iso(row.completed_at),
    lastUpdated: iso(row.last_updated),
  };
}

/** A `resources` row (snake_case) with the caller's progress columns (`p_*`, null when none). */
export interface ResourceRow {
  id: number;
  group_id: number;
  title: string;
  url: string | null;
  resource_type: ResourceType;
  description: string | null;
  parent_folder_id: number | null;
  file_size: string | number | null;
  content_type: string | null;
  storage_key: string | null;
  uploaded_by: string | null;
  created_at: Date;
  updated_at: Date;
  p_status: ProgressStatus | null;
  p_progress_percentage: number | null;
  p_notes: string | null;
  p_started_at: Date | null;
  p_completed_at: Date | null;
  p_last_updated: Date | null;
}

export function toResourceDto(row: ResourceRow, userId: string): ResourceDto {
  const progress: ProgressRow | null = row.p_status
    ? {
        status: row.p_status,
        progress_percentage: row.p_progress_percentage ?? 0,
        notes: row.p_notes,
        started_at: row.p_started_at,
        completed_at: row.p_completed_at,
        last_updated: row.p_last_updated,
      }
    : null;
  return {
    id: row.id,
    groupId: row.group_id,
    title: row.title,
    url: row.storage_key ? `/api/resources/${row.id}/content` : row.url,
    resourceType: row.resource_type,
    description: row.description,
    parentFolderId: row.parent_folder_id,
    fileSize: row.file_size === null ? null : Number(row.file_size),
    contentType: row.content_type,
    uploadedBy: row.uploaded_by,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    myProgress: row.resource_type === 'folder' ? null : toProgressDto(row.id, userId, progress),
  };
}
