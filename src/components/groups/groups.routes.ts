import type { Api, AppContext } from '../../context';
import {
  ChangeRoleBody,
  CreateGroupBody,
  CreateInvitationBody,
  DiscoverQuery,
  GroupListSchema,
  GroupPageSchema,
  GroupSchema,
  IdParams,
  InvitationListSchema,
  InvitationSchema,
  InviteCodeSchema,
  JoinByCodeBody,
  MemberListSchema,
  MemberParams,
  MemberSchema,
  UpdateGroupBody,
} from '../../shared/contract';
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

const GroupParams = IdParams;

export function registerGroupRoutes(api: Api, ctx: AppContext): void {
  const tags = ['Groups'];
  api.route(
    { method: 'post', path: '/groups', summary: 'Create a group (caller becomes leader)', tags, body: CreateGroupBody, response: GroupSchema, status: 201 },
    ({ user, body }) => createGroup(ctx, user, body),
  );
  api.route({ method: 'get', path: '/groups', summary: 'My active groups', tags, response: GroupListSchema }, ({ user }) => listMyGroups(ctx, user));
  api.route(
    {
      method: 'get',
      path: '/groups/discover',
      summary: 'Public active groups, paged',
      tags,
      query: DiscoverQuery,
      response: GroupPageSchema,
    },
    ({ user, query }) => discoverGroups(ctx, user, query),
  );
  api.route(
    {
      method: 'post',
      path: '/groups/join',
      summary: 'Join by invite code',
      tags,
      body: JoinByCodeBody,
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
      response: MemberListSchema,
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
      body: ChangeRoleBody,
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
      response: InviteCodeSchema,
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
  api.route({ method: 'get', path: '/invitations', summary: 'My pending, unexpired invitations', tags: itags, response: InvitationListSchema }, ({ user }) =>
    listMyInvitations(ctx, user),
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
