import type { GroupRole, GroupType, INVITATION_STATUSES, Visibility } from '../../db/models/enums';
import type { z } from '../../lib/validation';
import { GroupSchema, InvitationSchema, MemberSchema } from '../../shared/contract';
import { iso } from '../../lib/iso';
import { can } from '../../shared/policy';

/** The wire shapes are the contract's (src/shared/contract/groups.ts); the mappers from rows are here. */
export { GroupSchema, InvitationSchema, MemberSchema };

export type GroupDto = z.infer<typeof GroupSchema>;

export type MemberDto = z.infer<typeof MemberSchema>;

export type InvitationDto = z.infer<typeof InvitationSchema>;

/** A row of `groups` (snake_case, from raw SQL) plus `member_count` and `my_role`. */
export interface GroupRow {
  id: number;
  creator_id: string | null;
  group_name: string;
  description: string | null;
  image: string | null;
  group_type: GroupType;
  visibility: Visibility;
  invite_code: string | null;
  max_members: number | null;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  member_count: number | string;
  my_role: GroupRole | null;
}

/** A group in my list (`GET /api/groups`): with my unread count and its newest message's time. */
export type MyGroupDto = GroupDto & { unreadCount: number; lastMessageAt: string | null };

export function toGroupDto(row: GroupRow): GroupDto {
  const privileged = can('group.inviteCode', { role: row.my_role, groupType: row.group_type, visibility: row.visibility });
  return {
    id: row.id,
    creatorId: row.creator_id,
    groupName: row.group_name,
    description: row.description,
    image: row.image,
    groupType: row.group_type,
    visibility: row.visibility,
    maxMembers: row.max_members,
    isActive: row.is_active,
    memberCount: Number(row.member_count),
    myRole: row.my_role,
    inviteCode: privileged ? row.invite_code : null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export interface MemberRow {
  user_id: string;
  username: string;
  role: GroupRole;
  joined_at: Date;
  is_connected: boolean;
  last_seen: Date | null;
}

export function toMemberDto(row: MemberRow): MemberDto {
  return {
    userId: row.user_id,
    username: row.username,
    role: row.role,
    joinedAt: iso(row.joined_at),
    isConnected: row.is_connected,
    lastSeen: iso(row.last_seen),
  };
}

export interface InvitationLike {
  id: number;
  groupId: number;
  invitedUserId: string;
  invitedBy: string | null;
  status: (typeof INVITATION_STATUSES)[number];
  invitationMessage: string | null;
  expiresAt: Date;
  createdAt: Date;
  respondedAt: Date | null;
}

/** A pending invitation past `expiresAt` reads as `expired` even before a sweeper writes it. */
export function toInvitationDto(inv: InvitationLike, groupName: string, now = new Date()): InvitationDto {
  const status = inv.status === 'pending' && inv.expiresAt.getTime() <= now.getTime() ? 'expired' : inv.status;
  return {
    id: inv.id,
    groupId: inv.groupId,
    groupName,
    invitedUserId: inv.invitedUserId,
    invitedBy: inv.invitedBy ?? null,
    status,
    invitationMessage: inv.invitationMessage ?? null,
    expiresAt: iso(inv.expiresAt),
    createdAt: iso(inv.createdAt),
    respondedAt: iso(inv.respondedAt),
  };
}
