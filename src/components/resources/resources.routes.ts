import type { Api, AppContext } from '../../context';
import {
  CreateResourceBody,
  IdParams,
  ListResourcesQuery,
  ProgressListSchema,
  ProgressSchema,
  PutProgressBody,
  ResourceListSchema,
  ResourceSchema,
  UpdateResourceBody,
} from '../../shared/contract';
import { createResource, deleteResource, getAllProgress, getMyProgress, listResources, putProgress, updateResource } from './resources.service';

const ById = IdParams;

export function registerResourceRoutes(api: Api, ctx: AppContext): void {
  const tags = ['Resources'];
  api.route(
    {
      method: 'get',
      path: '/groups/:id/resources',
      summary: 'Resources of a folder (the root when parentFolderId is omitted)',
      tags,
      params: ById,
      query: ListResourcesQuery,
      response: ResourceListSchema,
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
      errors: [404, 409],
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
      response: ProgressListSchema,
      errors: [404, 409],
    },
    ({ user, params }) => getAllProgress(ctx, user, { resourceId: params.id }),
  );
}
