import { randomBytes } from 'node:crypto';
import type { Transaction } from 'sequelize';
import type { Actor, AppContext } from '../../context';
import type { Db } from '../../db/access';
import { decodeCursor, idPage, isIdCursor } from '../../lib/cursor';
import { conflict, notFound } from '../../lib/errors';
import {
  breaksLastLeader,
  CREATOR_ROLE,
  type GroupType,
  isLeader,
  LEADER_ROLE,
  type LeaderChange,
  NEW_MEMBER_ROLE,
  type Role,
  successorLeader,
  type Visibility,
} from '../../shared/policy';
import { LEADERBOARD_CACHE } from '../leaderboards/leaderboard.rules';
import { notify } from '../notifications';
import { authorize, groupAccess, requireAccess } from './group-access';
import { toGroupDto, toMemberDto, type GroupDto, type MemberDto, type MyGroupDto } from './group.dto';
import { cachedMyGroups, userListChanged } from './my-groups.cache';
import * as groups from './groups.repository';
import { forgetGroup, forgetMembership } from './membership.cache';
import { isFull } from './membership.rules';
import { unreadByGroup } from './unread.repository';

/**
 * After a member joined or left (committed): the group's cached board answers are dropped on
 * every node, and a rebuild of the group's boards is queued so the sorted sets hold current
 * members only (one who left drops out, one who rejoined gets their time back). Reads skip
 * non-members meanwhile. Failures are logged: the hourly rebuild and the cache TTL catch up.
 */
async function membershipChanged(ctx: AppContext, groupId: number): Promise<void> {
  try {
    await ctx.caches.cache(LEADERBOARD_CACHE.name, LEADERBOARD_CACHE).invalidate(String(groupId));
    await ctx.queues.maintenance.add('rebuild-leaderboards', { groupId });
  } catch (error) {
    ctx.logger.warn({ err: error, groupId }, 'could not queue the boards refresh of a membership change');
  }
}

/** A random, unguessable invite code (72 bits, URL-safe). */
export const newInviteCode = (): string => randomBytes(9).toString('base64url');

/** The Group DTO as `userId` sees it (no access check: callers check first). */
async function groupDto(db: Db, groupId: number, userId: string): Promise<GroupDto> {
  const row = await groups.groupRow(db, groupId, userId);
  if (!row) throw notFound('Group');
  return toGroupDto(row);
}

export async function memberDto(db: Db, groupId: number, userId: string): Promise<MemberDto> {
  const row = await groups.memberRow(db, groupId, userId);
  if (!row) throw notFound('Member');
  return toMemberDto(row);
}

export interface GroupInput {
  groupName: string;
  description?: string | null;
  image?: string | null;
  groupType: GroupType;
  visibility: Visibility;
  maxMembers?: number | null;
}

/** A new group with the caller as its leader. */
export async function createGroup(ctx: AppContext, actor: Actor, input: GroupInput): Promise<GroupDto> {
  return ctx.sequelize.transaction(async (tx) => {
    const groupId = await groups.insertGroup(tx, {
      creatorId: actor.userId,
      groupName: input.groupName,
      description: input.description ?? null,
      image: input.image ?? null,
      groupType: input.groupType,
      visibility: input.visibility,
      maxMembers: input.maxMembers ?? null,
      inviteCode: newInviteCode(),
    });
    await groups.insertMembership(tx, { userId: actor.userId, groupId, role: CREATOR_ROLE });
    tx.afterCommit(() => userListChanged(ctx, actor.userId));
    return groupDto(tx, groupId, actor.userId);
  });
}

/** The caller's active groups, each with its unread count and newest message time. */
export function listMyGroups(ctx: AppContext, actor: Actor): Promise<MyGroupDto[]> {
  return cachedMyGroups(ctx, actor.userId, async () => {
    const [rows, unread] = await Promise.all([groups.myGroupRows(ctx.sequelize, actor.userId), unreadByGroup(ctx.sequelize, actor.userId)]);
    return rows.map((row) => {
      const state = unread.get(Number(row.id));
      return { ...toGroupDto(row), unreadCount: state?.unreadCount ?? 0, lastMessageAt: state?.lastMessageAt ? state.lastMessageAt.toISOString() : null };
    });
  });
}

export async function discoverGroups(
  ctx: AppContext,
  actor: Actor,
  query: { q?: string; limit: number; cursor?: string },
): Promise<{ items: GroupDto[]; nextCursor: string | null }> {
  const after = decodeCursor(query.cursor, isIdCursor)?.id ?? 0;
  const rows = await groups.publicGroupRows(ctx.sequelize, actor.userId, { after, limit: query.limit + 1, search: query.q });
  const { page, nextCursor } = idPage(rows, query.limit);
  return { items: page.map(toGroupDto), nextCursor };
}

export async function getGroup(ctx: AppContext, actor: Actor, input: { groupId: number }): Promise<GroupDto> {
  await requireAccess(ctx.sequelize, input.groupId, actor.userId, 'group.view');
  return groupDto(ctx.sequelize, input.groupId, actor.userId);
}

export async function updateGroup(ctx: AppContext, actor: Actor, input: { groupId: number; changes: Partial<GroupInput> }): Promise<GroupDto> {
  const { groupId, changes } = input;
  const dto = await ctx.sequelize.transaction(async (tx) => {
    await requireAccess(tx, groupId, actor.userId, 'group.edit');
    if (!(await groups.lockGroup(tx, groupId))) throw notFound('Group');
    if (changes.maxMembers !== undefined && changes.maxMembers !== null) {
      const count = await groups.countMembers(tx, groupId);
      if (changes.maxMembers < count) throw conflict(`The group already has ${count} members`);
    }
    await groups.updateGroup(tx, groupId, changes);
    return groupDto(tx, groupId, actor.userId);
  });
  await forgetGroup(ctx, groupId);
  ctx.broadcast.toGroup(groupId, 'group:updated', { group: { ...dto, myRole: null, inviteCode: null } });
  return dto;
}

/** Soft delete: the group is deactivated and its room emptied. */
export async function deleteGroup(ctx: AppContext, actor: Actor, input: { groupId: number }): Promise<void> {
  const { groupId } = input;
  await ctx.sequelize.transaction(async (tx) => {
    await requireAccess(tx, groupId, actor.userId, 'group.delete');
    await groups.updateGroup(tx, groupId, { isActive: false });
  });
  await forgetGroup(ctx, groupId);
  ctx.broadcast.toGroup(groupId, 'group:deleted', { groupId });
  ctx.broadcast.closeGroup(groupId);
}

export interface NewMember {
  groupId: number;
  userId: string;
  username: string;
  /** Already a member: true answers as if added (a repeated join), false is CONFLICT. */
  idempotent: boolean;
  /** Joined by invitation: who invited, and when. */
  invitedBy?: string | null;
  invitedAt?: Date;
}

/**
 * Adds a member inside the caller's transaction, under the group row's lock, so
 * concurrent joins cannot over-fill `maxMembers`. Notifies the leaders and broadcasts
 * `member:joined` after the commit. Returns the group as locked.
 */
export async function addMember(ctx: AppContext, member: NewMember, tx: Transaction): Promise<groups.GroupRecord> {
  const { groupId, userId } = member;
  const group = await groups.lockGroup(tx, groupId);
  if (!group?.isActive) throw notFound('Group');
  if (await groups.findMembership(tx, groupId, userId)) {
    if (member.idempotent) return group;
    throw conflict('Already a member of this group');
  }
  if (isFull(await groups.countMembers(tx, groupId), group.maxMembers)) throw conflict('The group is full');
  await groups.insertMembership(tx, {
    userId,
    groupId,
    role: NEW_MEMBER_ROLE,
    ...(member.invitedBy !== undefined
      ? { invitationStatus: 'accepted' as const, invitedBy: member.invitedBy, invitedAt: member.invitedAt ?? new Date() }
      : {}),
  });
  const leaders = (await groups.memberIdsWithRole(tx, groupId, LEADER_ROLE)).filter((id) => id !== userId);
  await notify(
    ctx,
    leaders.map((leader) => ({
      userId: leader,
      type: 'member_joined' as const,
      message: `${member.username} joined ${group.groupName}`,
      data: { groupId, userId },
    })),
    tx,
  );
  tx.afterCommit(() => {
    void forgetMembership(ctx, groupId, userId);
    ctx.broadcast.toGroup(groupId, 'member:joined', { groupId, userId, role: NEW_MEMBER_ROLE });
    void membershipChanged(ctx, groupId);
  });
  return group;
}

/** Joins a public group (a member already in gets their membership: idempotent). */
export async function joinPublicGroup(ctx: AppContext, actor: Actor, input: { groupId: number }): Promise<MemberDto> {
  return ctx.sequelize.transaction(async (tx) => {
    await requireAccess(tx, input.groupId, actor.userId, 'group.join');
    await addMember(ctx, { groupId: input.groupId, userId: actor.userId, username: actor.username, idempotent: true }, tx);
    return memberDto(tx, input.groupId, actor.userId);
  });
}

export async function joinByInviteCode(ctx: AppContext, actor: Actor, input: { inviteCode: string }): Promise<GroupDto> {
  return ctx.sequelize.transaction(async (tx) => {
    const groupId = await groups.activeGroupIdByInviteCode(tx, input.inviteCode);
    if (groupId === null) throw notFound('Invite code');
    const group = await addMember(ctx, { groupId, userId: actor.userId, username: actor.username, idempotent: true }, tx);
    // The code may have been rotated while we waited for the lock.
    if (group.inviteCode !== input.inviteCode) throw notFound('Invite code');
    return groupDto(tx, groupId, actor.userId);
  });
}

/**
 * Removes `targetId` from the group under the group lock, keeping the last-leader rule.
 * `authorizeIn` runs after the lock is taken, so the caller's and the target's roles are
 * read under it and a concurrent role change cannot make a stale permission check pass.
 */
async function removeMembership(
  ctx: AppContext,
  input: { groupId: number; targetId: string; change: 'leave' | 'remove' },
  authorizeIn: (tx: Transaction) => Promise<void>,
): Promise<void> {
  const { groupId, targetId, change } = input;
  const result = await ctx.sequelize.transaction(async (tx) => {
    const group = await groups.lockGroup(tx, groupId);
    await authorizeIn(tx);
    if (!group) throw notFound('Group');
    const target = await groups.findMembership(tx, groupId, targetId);
    if (!target) throw notFound('Member');
    const memberCount = await groups.countMembers(tx, groupId);
    const leaderCount = await groups.countMembers(tx, groupId, LEADER_ROLE);
    const leaderChange: LeaderChange =
      change === 'leave' ? { change, targetRole: target.role, leaderCount, memberCount } : { change, targetRole: target.role, leaderCount };
    if (breaksLastLeader(leaderChange)) throw conflict('The last leader cannot leave or be removed; make another member leader first');
    await groups.deleteMembership(tx, groupId, targetId);
    const deactivated = memberCount <= 1;
    if (deactivated) await groups.updateGroup(tx, groupId, { isActive: false });
    if (change === 'remove') {
      // Stored with the removal (pushed after the commit): never a removal without its notice.
      await notify(ctx, [{ userId: targetId, type: 'removed_from_group', message: `You were removed from ${group.groupName}`, data: { groupId } }], tx);
    }
    return { deactivated, role: target.role };
  });
  // Dropped everywhere before the room is told: published ahead of the socketsLeave, so a
  // node that sees the removal's socketsLeave has seen the invalidation (see room:join).
  await Promise.all([forgetMembership(ctx, groupId, targetId), result.deactivated ? forgetGroup(ctx, groupId) : undefined]);
  ctx.broadcast.toGroup(groupId, 'member:left', { groupId, userId: targetId, role: result.role });
  ctx.broadcast.removeUserFromGroup(targetId, groupId);
  await membershipChanged(ctx, groupId);
  if (result.deactivated) {
    ctx.broadcast.toGroup(groupId, 'group:deleted', { groupId });
    ctx.broadcast.closeGroup(groupId);
  }
}

export async function leaveGroup(ctx: AppContext, actor: Actor, input: { groupId: number }): Promise<void> {
  await removeMembership(ctx, { groupId: input.groupId, targetId: actor.userId, change: 'leave' }, async (tx) => {
    await requireAccess(tx, input.groupId, actor.userId, 'group.leave');
  });
}

/** Removes a member (removing oneself is leaving). */
export async function removeMember(ctx: AppContext, actor: Actor, input: { groupId: number; userId: string }): Promise<void> {
  const { groupId, userId: targetId } = input;
  if (actor.userId === targetId) return leaveGroup(ctx, actor, { groupId });
  await removeMembership(ctx, { groupId, targetId, change: 'remove' }, async (tx) => {
    const access = await groupAccess(tx, groupId, actor.userId);
    const target = await groups.findMembership(tx, groupId, targetId);
    authorize('member.remove', access, { targetRole: target?.role ?? null });
    if (!target) throw notFound('Member');
  });
}

/**
 * A deleted account leaves every group, inside the caller's transaction (one group row
 * locked at a time, in id order): the group keeps a leader (successorLeader: the
 * longest-standing admin, else member, is promoted and notified) and a group left empty
 * is deactivated. Returns what to broadcast once the transaction has committed.
 */
export async function removeUserFromAllGroups(ctx: AppContext, input: { userId: string }, tx: Transaction): Promise<() => void> {
  const { userId } = input;
  const announcements: Array<() => void> = [];
  for (const membership of await groups.membershipsOf(tx, userId)) {
    const groupId = membership.groupId;
    const group = await groups.lockGroup(tx, groupId);
    if (!group) continue;
    const others = await groups.otherMembers(tx, groupId, userId);
    await groups.deleteMembership(tx, groupId, userId);
    const successor = isLeader(membership.role) ? successorLeader(others) : null;
    if (successor) {
      await groups.setRole(tx, groupId, successor, LEADER_ROLE);
      await notify(
        ctx,
        [{ userId: successor, type: 'role_changed', message: `Your role in ${group.groupName} is now ${LEADER_ROLE}`, data: { groupId, role: LEADER_ROLE } }],
        tx,
      );
    }
    const deactivated = others.length === 0 && group.isActive;
    if (deactivated) await groups.updateGroup(tx, groupId, { isActive: false });
    announcements.push(() => {
      void forgetMembership(ctx, groupId, userId);
      if (successor) void forgetMembership(ctx, groupId, successor);
      if (deactivated) void forgetGroup(ctx, groupId);
      ctx.broadcast.toGroup(groupId, 'member:left', { groupId, userId, role: membership.role });
      ctx.broadcast.removeUserFromGroup(userId, groupId);
      void membershipChanged(ctx, groupId);
      if (successor) ctx.broadcast.toGroup(groupId, 'member:updated', { groupId, userId: successor, role: LEADER_ROLE });
      if (deactivated) {
        ctx.broadcast.toGroup(groupId, 'group:deleted', { groupId });
        ctx.broadcast.closeGroup(groupId);
      }
    });
  }
  return () => {
    for (const announce of announcements) announce();
  };
}

export async function listMembers(ctx: AppContext, actor: Actor, input: { groupId: number }): Promise<MemberDto[]> {
  await requireAccess(ctx.sequelize, input.groupId, actor.userId, 'members.view');
  return (await groups.memberRows(ctx.sequelize, input.groupId)).map(toMemberDto);
}

export async function changeRole(ctx: AppContext, actor: Actor, input: { groupId: number; userId: string; role: Role }): Promise<MemberDto> {
  const { groupId, userId: targetId, role } = input;
  const { dto, changed } = await ctx.sequelize.transaction(async (tx) => {
    // Lock first, then read the caller's role under the lock (see removeMembership).
    const group = await groups.lockGroup(tx, groupId);
    await requireAccess(tx, groupId, actor.userId, 'member.changeRole');
    if (!group) throw notFound('Group');
    const target = await groups.findMembership(tx, groupId, targetId);
    if (!target) throw notFound('Member');
    const changed = target.role !== role;
    if (changed && isLeader(target.role)) {
      const leaderCount = await groups.countMembers(tx, groupId, LEADER_ROLE);
      if (breaksLastLeader({ change: 'demote', targetRole: target.role, leaderCount })) {
        throw conflict('The last leader cannot be demoted; make another member leader first');
      }
    }
    if (changed) await groups.setRole(tx, groupId, targetId, role);
    if (changed && targetId !== actor.userId) {
      await notify(ctx, [{ userId: targetId, type: 'role_changed', message: `Your role in ${group.groupName} is now ${role}`, data: { groupId, role } }], tx);
    }
    return { dto: await memberDto(tx, groupId, targetId), changed };
  });
  if (changed) await forgetMembership(ctx, groupId, targetId);
  if (changed) ctx.broadcast.toGroup(groupId, 'member:updated', { groupId, userId: targetId, role });
  return dto;
}

/** A new invite code; the old one stops working. */
export async function rotateInviteCode(ctx: AppContext, actor: Actor, input: { groupId: number }): Promise<{ inviteCode: string }> {
  const rotated = await ctx.sequelize.transaction(async (tx) => {
    await requireAccess(tx, input.groupId, actor.userId, 'group.inviteCode');
    const inviteCode = newInviteCode();
    await groups.updateGroup(tx, input.groupId, { inviteCode });
    return { inviteCode };
  });
  await forgetGroup(ctx, input.groupId);
  return rotated;
}
