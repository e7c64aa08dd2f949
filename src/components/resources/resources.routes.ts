import type { Api, AppContext } from '../../context';
import { PROGRESS_STATUSES, RESOURCE_TYPES } from '../../db/models/enums';
import { HttpUrlSchema, IdSchema, IdValue, z } from '../../lib/validation';
import { ProgressSchema, ResourceSchema } from './resource.dto';
import { createResource, deleteResource, getAllProgress, getMyProgress, listResources, putProgress, updateResource } from './resources.service';

const HttpUrl = HttpUrlSchema;

const Fields = {
  title: z.string().trim().min(1).max(200),
  url: HttpUrl.nullable().optional(),
  description: z.string().trim().max(5000).nullable().optional(),
  parentFolderId: IdValue.nullable().optional(),
  fileSize: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
};

const STORED_TYPES: ReadonlySet<string> = new Set(['image', 'video', 'file']);

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

const ById = z.object({ id: IdSchema });

export function registerResourceRoutes(api: Api, ctx: AppContext): void {
  const tags = ['Resources'];
  api.route(
    {
      method: 'get',
      path: '/groups/:id/resources',
      summary: 'Resources of a folder (the root when parentFolderId is omitted)',
      tags,
      params: ById,
      query: z.object({ parentFolderId: IdSchema.optional() }),
      response: z.array(ResourceSchema),
      errors: [404],
    },
    ({ user, params, query }) => listResources(ctx, user, { groupId: params.id, parentFolderId: query.parentFolderId }),
  );
  api.route(
    {
      method: 'post',
      path: '/groups/:id/resources',
      summary: 'Add a resource or folder',
      tags,
      params: ById,
      body: CreateResourceBody,
      response: ResourceSchema,
      status: 201,
      errors: [404],
    },
    ({ user, params, body }) => createResource(ctx, user, { ...body, groupId: params.id }),
  );
  api.route(
    {
      method: 'patch',
      path: '/resources/:id',
      summary: 'Edit or move a resource',
      tags,
      params: ById,
      body: UpdateResourceBody,
      response: ResourceSchema,
      errors: [404, 409],
    },
    ({ user, params, body }) => updateResource(ctx, user, { resourceId: params.id, changes: body }),
  );
  api.route(
    {
      method: 'delete',
      path: '/resources/:id',
      summary: 'Delete a resource (soft; a folder takes its subtree)',
      tags,
      params: ById,
      status: 204,
      errors: [404],
    },
    async ({ user, params }) => {
      await deleteResource(ctx, user, { resourceId: params.id });
    },
  );
  const ptags = ['Progress'];
  api.route(
    {
      method: 'put',
      path: '/resources/:id/progress',
      summary: 'Record my progress (upsert)',
      tags: ptags,
      params: ById,
      body: PutProgressBody,
      response: ProgressSchema,
      errors: [404, 409],
    },
    ({ user, params, body }) => putProgress(ctx, user, { ...body, resourceId: params.id }),
  );
  api.route(
    { method: 'get', path: '/resources/:id/progress', summary: 'My progress', tags: ptags, params: ById, response: ProgressSchema, errors: [404, 409] },
    ({ user, params }) => getMyProgress(ctx, user, { resourceId: params.id }),
  );
  api.route(
    {
      method: 'get',
      path: '/resources/:id/progress/all',
      summary: "Every member's progress",
      tags: ptags,
      params: ById,
      response: z.array(ProgressSchema),
      errors: [404, 409],
    },
    ({ user, params }) => getAllProgress(ctx, user, { resourceId: params.id }),
  );
}
