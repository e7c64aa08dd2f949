import { PROGRESS_STATUSES, RESOURCE_TYPES, type ProgressStatus, type ResourceType } from '../../db/models/enums';
import { z } from '../../lib/validation';
import { iso } from '../../lib/iso';

export const ProgressSchema = z
  .object({
    resourceId: z.number().int(),
    userId: z.string(),
    status: z.enum(PROGRESS_STATUSES),
    progressPercentage: z.number().int().min(0).max(100),
    notes: z.string().nullable(),
    startedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    lastUpdated: z.string().nullable().openapi({ description: 'null while the caller never recorded progress' }),
  })
  .openapi('Progress');
export type ProgressDto = z.infer<typeof ProgressSchema>;

export const ResourceSchema = z
  .object({
    id: z.number().int(),
    groupId: z.number().int(),
    title: z.string(),
    url: z.string().nullable().openapi({ description: 'Uploaded content: `/api/resources/:id/content`; null for folders' }),
    resourceType: z.enum(RESOURCE_TYPES),
    description: z.string().nullable(),
    parentFolderId: z.number().int().nullable(),
    fileSize: z.number().int().nullable().openapi({ description: 'Uploaded content: the size measured by the server' }),
    contentType: z.string().nullable().openapi({ description: 'Uploaded content: the stored media type; null for links and folders' }),
    uploadedBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    myProgress: ProgressSchema.nullable().openapi({ description: "The caller's progress; null for folders" }),
  })
  .openapi('Resource');
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
