import { GROUP_ROLES, GROUP_TYPES, INVITATION_STATUSES, VISIBILITIES } from '../enums';
import { CursorSchema, HttpUrlSchema, IdSchema, LimitSchema, pageOf, UserIdSchema } from './primitives';
import { z } from './zod';

/** Groups, members and invitations (docs/API.md "Groups", "Invitations"). */

export const GroupSchema = z
  .object({
    id: z.number().int(),
    creatorId: z.string().nullable(),
    groupName: z.string(),
    description: z.string().nullable(),
    image: z.string().nullable(),
    groupType: z.enum(GROUP_TYPES),
    visibility: z.enum(VISIBILITIES),
    maxMembers: z.number().int().nullable(),
    isActive: z.boolean(),
    memberCount: z.number().int(),
    myRole: z.enum(GROUP_ROLES).nullable(),
    inviteCode: z.string().nullable().openapi({ description: 'Only for leaders and admins; null otherwise' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Group');

export const MemberSchema = z
  .object({
    userId: z.string(),
    username: z.string(),
    role: z.enum(GROUP_ROLES),
    joinedAt: z.string(),
    isConnected: z.boolean(),
    lastSeen: z.string().nullable(),
  })
  .openapi('Member');

export const InvitationSchema = z
  .object({
    id: z.number().int(),
    groupId: z.number().int(),
    groupName: z.string(),
    invitedUserId: z.string(),
    invitedBy: z.string().nullable(),
    status: z.enum(INVITATION_STATUSES),
    invitationMessage: z.string().nullable(),
    expiresAt: z.string(),
    createdAt: z.string(),
    respondedAt: z.string().nullable(),
  })
  .openapi('Invitation');

/** The most `unreadCount` counts (a client shows "999+"): the count stays cheap however long the history. */
export const UNREAD_COUNT_CAP = 999;

/** An item of `GET /api/groups`: the Group plus the caller's unread state (issue 16). */
export const MyGroupSchema = GroupSchema.extend({
  unreadCount: z
    .number()
    .int()
    .min(0)
    .max(UNREAD_COUNT_CAP)
    .openapi({ description: `Live messages by others after my last read one (at most ${UNREAD_COUNT_CAP})` }),
  lastMessageAt: z.string().nullable().openapi({ description: "The group's newest live message's time; null when none" }),
}).openapi('MyGroup');

export const GroupListSchema = z.array(MyGroupSchema);
export const MemberListSchema = z.array(MemberSchema);
export const InvitationListSchema = z.array(InvitationSchema);

const GroupFields = {
  groupName: z.string().trim().min(1).max(100),
  description: z.string().trim().max(2000).nullable().optional(),
  image: HttpUrlSchema.nullable().optional(),
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

export const MemberParams = z.object({ id: IdSchema, userId: UserIdSchema });
export const DiscoverQuery = z.object({ q: z.string().trim().max(100).optional(), limit: LimitSchema(100, 20), cursor: CursorSchema });
export const GroupPageSchema = pageOf(GroupSchema).openapi('GroupPage');
export const JoinByCodeBody = z
  .object({ inviteCode: z.string().trim().min(1).max(64) })
  .strict()
  .openapi('JoinByCode');
export const ChangeRoleBody = z
  .object({ role: z.enum(GROUP_ROLES) })
  .strict()
  .openapi('ChangeRole');
export const InviteCodeSchema = z.object({ inviteCode: z.string() }).openapi('InviteCode');

/** Who to invite: `invitedUserId`, or (issue 16) `username` — exactly one of them. */
export const CreateInvitationBody = z
  .object({
    invitedUserId: UserIdSchema.optional(),
    username: z.string().trim().min(1).max(64).optional().openapi({ description: "The invitee's exact username (instead of invitedUserId)" }),
    invitationMessage: z.string().trim().max(500).nullable().optional(),
    expiresInHours: z.number().int().min(1).max(720).default(168),
  })
  .strict()
  .refine((b) => (b.invitedUserId === undefined) !== (b.username === undefined), {
    message: 'give exactly one of invitedUserId, username',
    path: ['invitedUserId'],
  })
  .openapi('CreateInvitation');
