import { PROGRESS_STATUSES, RESOURCE_TYPES } from '../enums';
import { HttpUrlSchema, IdSchema, IdValue } from './primitives';
import { z } from './zod';

/** Resources, folders and progress (docs/API.md "Resources and progress"). */

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

export const ResourceListSchema = z.array(ResourceSchema);
export const ProgressListSchema = z.array(ProgressSchema);

const Fields = {
  title: z.string().trim().min(1).max(200),
  url: HttpUrlSchema.nullable().optional(),
  description: z.string().trim().max(5000).nullable().optional(),
  parentFolderId: IdValue.nullable().optional(),
  fileSize: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
};

/** Resource types whose bytes are uploaded (`uploadId`), not linked. */
export const STORED_TYPES: ReadonlySet<string> = new Set(['image', 'video', 'file']);

export const CreateResourceBody = z
  .object({
    ...Fields,
    resourceType: z.enum(RESOURCE_TYPES),
    uploadId: z.string().uuid().optional().openapi({ description: 'image, video, file: a completed upload (POST /groups/{id}/uploads)' }),
  })
  .strict()
  .superRefine((b, issues) => {
    const problem = (field: string, message: string): void => issues.addIssue({ code: 'custom', path: [field], message });
    if (STORED_TYPES.has(b.resourceType)) {
      if (b.uploadId === undefined) problem('uploadId', 'required for an image, video or file (upload it first)');
      if (b.url != null) problem('url', 'uploaded content has no url: give uploadId');
      if (b.fileSize != null) problem('fileSize', 'measured by the server from the upload');
    } else {
      if (b.uploadId !== undefined) problem('uploadId', 'only images, videos and files are uploaded');
      if (b.resourceType === 'folder' && b.url != null) problem('url', 'folders have no url');
      if (b.resourceType === 'link' && b.url == null) problem('url', 'required for a link');
    }
  })
  .openapi('CreateResource');

export const UpdateResourceBody = z
  .object({
    title: Fields.title.optional(),
    url: Fields.url,
    description: Fields.description,
    parentFolderId: Fields.parentFolderId,
    fileSize: Fields.fileSize,
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change')
  .openapi('UpdateResource');

export const PutProgressBody = z
  .object({
    status: z.enum(PROGRESS_STATUSES).optional(),
    progressPercentage: z.number().int().min(0).max(100).optional(),
    notes: z.string().max(5000).nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give status, progressPercentage or notes')
  .openapi('PutProgress');

export const ListResourcesQuery = z.object({ parentFolderId: IdSchema.optional() });
