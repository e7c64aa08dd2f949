import type { Api, AppContext } from '../../context';
import { GROUP_ROLES, GROUP_TYPES, VISIBILITIES } from '../../db/models/enums';
import { CursorSchema, HttpUrlSchema, IdSchema, LimitSchema, UserIdSchema, z } from '../../lib/validation';
import { GroupSchema, InvitationSchema, MemberSchema } from './group.dto';
import {
  changeRole,
  createGroup,
  deleteGroup,
  discoverGroups,
  getGroup,
  joinByInviteCode,
  joinPublicGroup,
  leaveGroup,
  listMembers,
  listMyGroups,
  removeMember,
  rotateInviteCode,
  updateGroup,
} from './groups.service';
import { acceptInvitation, createInvitation, declineInvitation, listMyInvitations } from './invitations.service';

const HttpUrl = HttpUrlSchema;

const GroupFields = {
  groupName: z.string().trim().min(1).max(100),
  description: z.string().trim().max(2000).nullable().optional(),
  image: HttpUrl.nullable().optional(),
  groupType: z.enum(GROUP_TYPES),
  visibility: z.enum(VISIBILITIES),
  maxMembers: z.number().int().min(1).max(10_000).nullable().optional(),
};

export const CreateGroupBody = z
  .object({
    ...GroupFields,
    groupType: GroupFields.groupType.default('leader_controlled'),
    visibility: GroupFields.visibility.default('private'),
  })
  .strict()
  .openapi('CreateGroup');

export const UpdateGroupBody = z
  .object({
    groupName: GroupFields.groupName.optional(),
    description: GroupFields.description,
    image: GroupFields.image,
    groupType: GroupFields.groupType.optional(),
    visibility: GroupFields.visibility.optional(),
    maxMembers: GroupFields.maxMembers,
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change')
  .openapi('UpdateGroup');

const GroupParams = z.object({ id: IdSchema });
const MemberParams = z.object({ id: IdSchema, userId: UserIdSchema });
const DiscoverPage = z.object({ items: z.array(GroupSchema), nextCursor: z.string().nullable() }).openapi('GroupPage');

export const CreateInvitationBody = z
  .object({
    invitedUserId: UserIdSchema,
    invitationMessage: z.string().trim().max(500).nullable().optional(),
    expiresInHours: z.number().int().min(1).max(720).default(168),
  })
  .strict()
  .openapi('CreateInvitation');

export function registerGroupRoutes(api: Api, ctx: AppContext): void {
  const tags = ['Groups'];
  api.route(
    { method: 'post', path: '/groups', summary: 'Create a group (caller becomes leader)', tags, body: CreateGroupBody, response: GroupSchema, status: 201 },
    ({ user, body }) => createGroup(ctx, user, body),
  );
  api.route({ method: 'get', path: '/groups', summary: 'My active groups', tags, response: z.array(GroupSchema) }, ({ user }) => listMyGroups(ctx, user));
  api.route(
    {
      method: 'get',
      path: '/groups/discover',
      summary: 'Public active groups, paged',
      tags,
      query: z.object({ q: z.string().trim().max(100).optional(), limit: LimitSchema(100, 20), cursor: CursorSchema }),
      response: DiscoverPage,
    },
    ({ user, query }) => discoverGroups(ctx, user, query),
  );
  api.route(
    {
      method: 'post',
      path: '/groups/join',
      summary: 'Join by invite code',
      tags,
      body: z
        .object({ inviteCode: z.string().trim().min(1).max(64) })
        .strict()
        .openapi('JoinByCode'),
      response: GroupSchema,
      errors: [404, 409],
    },
    ({ user, body }) => joinByInviteCode(ctx, user, body),
  );
  api.route({ method: 'get', path: '/groups/:id', summary: 'A group', tags, params: GroupParams, response: GroupSchema, errors: [404] }, ({ user, params }) =>
    getGroup(ctx, user, { groupId: params.id }),
  );
  api.route(
    {
      method: 'patch',
      path: '/groups/:id',
      summary: 'Update a group (leader/admin)',
      tags,
      params: GroupParams,
      body: UpdateGroupBody,
      response: GroupSchema,
      errors: [404, 409],
    },
    ({ user, params, body }) => updateGroup(ctx, user, { groupId: params.id, changes: body }),
  );
  api.route(
    { method: 'delete', path: '/groups/:id', summary: 'Delete a group (leader; soft)', tags, params: GroupParams, status: 204, errors: [404] },
    async ({ user, params }) => {
      await deleteGroup(ctx, user, { groupId: params.id });
    },
  );
  api.route(
    {
      method: 'post',
      path: '/groups/:id/join',
      summary: 'Join a public group (idempotent)',
      tags,
      params: GroupParams,
      response: MemberSchema,
      errors: [404, 409],
    },
    ({ user, params }) => joinPublicGroup(ctx, user, { groupId: params.id }),
  );
  api.route(
    { method: 'post', path: '/groups/:id/leave', summary: 'Leave a group', tags, params: GroupParams, status: 204, errors: [404, 409] },
    async ({ user, params }) => {
      await leaveGroup(ctx, user, { groupId: params.id });
    },
  );
  api.route(
    {
      method: 'get',
      path: '/groups/:id/members',
      summary: 'Members (members only)',
      tags,
      params: GroupParams,
      response: z.array(MemberSchema),
      errors: [404],
    },
    ({ user, params }) => listMembers(ctx, user, { groupId: params.id }),
  );
  api.route(
    {
      method: 'patch',
      path: '/groups/:id/members/:userId',
      summary: "Change a member's role (leader)",
      tags,
      params: MemberParams,
      body: z
        .object({ role: z.enum(GROUP_ROLES) })
        .strict()
        .openapi('ChangeRole'),
      response: MemberSchema,
      errors: [404, 409],
    },
    ({ user, params, body }) => changeRole(ctx, user, { groupId: params.id, userId: params.userId, role: body.role }),
  );
  api.route(
    {
      method: 'delete',
      path: '/groups/:id/members/:userId',
      summary: 'Remove a member (leader; admin for plain members)',
      tags,
      params: MemberParams,
      status: 204,
      errors: [404, 409],
    },
    async ({ user, params }) => {
      await removeMember(ctx, user, { groupId: params.id, userId: params.userId });
    },
  );
  api.route(
    {
      method: 'post',
      path: '/groups/:id/invite-code',
      summary: 'Rotate the invite code (leader/admin)',
      tags,
      params: GroupParams,
      response: z.object({ inviteCode: z.string() }).openapi('InviteCode'),
      errors: [404],
    },
    ({ user, params }) => rotateInviteCode(ctx, user, { groupId: params.id }),
  );

  const itags = ['Invitations'];
  api.route(
    {
      method: 'post',
      path: '/groups/:id/invitations',
      summary: 'Invite a user (leader/admin; any member in community groups)',
      tags: itags,
      params: GroupParams,
      body: CreateInvitationBody,
      response: InvitationSchema,
      status: 201,
      errors: [404, 409],
    },
    ({ user, params, body }) => createInvitation(ctx, user, { ...body, groupId: params.id }),
  );
  api.route(
    { method: 'get', path: '/invitations', summary: 'My pending, unexpired invitations', tags: itags, response: z.array(InvitationSchema) },
    ({ user }) => listMyInvitations(ctx, user),
  );
  api.route(
    {
      method: 'post',
      path: '/invitations/:id/accept',
      summary: 'Accept an invitation',
      tags: itags,
      params: GroupParams,
      response: MemberSchema,
      errors: [404, 409, 410],
    },
    ({ user, params }) => acceptInvitation(ctx, user, { invitationId: params.id }),
  );
  api.route(
    {
      method: 'post',
      path: '/invitations/:id/decline',
      summary: 'Decline an invitation',
      tags: itags,
      params: GroupParams,
      response: InvitationSchema,
      errors: [404, 409, 410],
    },
    ({ user, params }) => declineInvitation(ctx, user, { invitationId: params.id }),
  );
}
