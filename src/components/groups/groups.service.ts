import { randomBytes } from 'node:crypto';
import { Op, QueryTypes, type Transaction } from 'sequelize';
import { Group, Grouping, type GroupRole, type GroupType, type Visibility } from '../../db/models';
import type { AppContext } from '../../context';
import { conflict, forbidden, notFound } from '../../lib/errors';
import { decodeCursor, idPage, isIdCursor } from '../../lib/cursor';
import { notify } from '../notifications/notify';
import { loadGroupAccess, requireMember, requireRole } from './group-access';
import { toGroupDto, toMemberDto, type GroupDto, type GroupRow, type MemberDto, type MemberRow } from './group.dto';
import { breaksLastLeader, canChangeRole, canRemoveMember, isFull, successorLeader } from './membership.rules';

/** A random, unguessable invite code (72 bits, URL-safe). */
export const newInviteCode = (): string => randomBytes(9).toString('base64url');

const GROUP_SELECT = `
  SELECT g.*, (SELECT count(*) FROM groupings m WHERE m.group_id = g.id)::int AS member_count, me.role AS my_role
  FROM groups g LEFT JOIN groupings me ON me.group_id = g.id AND me.user_id = :userId`;

async function selectGroups(ctx: AppContext, where: string, replacements: Record<string, unknown>, transaction?: Transaction): Promise<GroupRow[]> {
  return ctx.sequelize.query<GroupRow>(`${GROUP_SELECT} ${where}`, { replacements, type: QueryTypes.SELECT, transaction });
}

/** The Group DTO as `userId` sees it (no visibility check: callers check access first). */
export async function groupDto(ctx: AppContext, groupId: number, userId: string, transaction?: Transaction): Promise<GroupDto> {
  const [row] = await selectGroups(ctx, 'WHERE g.id = :groupId', { groupId, userId }, transaction);
  if (!row) throw notFound('Group');
  return toGroupDto(row);
}

export async function memberDto(ctx: AppContext, groupId: number, userId: string, transaction?: Transaction): Promise<MemberDto> {
  const [row] = await ctx.sequelize.query<MemberRow>(
    `SELECT m.user_id, u.username, m.role, m.joined_at, m.is_connected, m.last_seen
     FROM groupings m JOIN users u ON u.user_id = m.user_id WHERE m.group_id = :groupId AND m.user_id = :userId`,
    { replacements: { groupId, userId }, type: QueryTypes.SELECT, transaction },
  );
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

export async function createGroup(ctx: AppContext, userId: string, input: GroupInput): Promise<GroupDto> {
  return ctx.sequelize.transaction(async (transaction) => {
    const group = await Group.create(
      {
        creatorId: userId,
        groupName: input.groupName,
        description: input.description ?? null,
        image: input.image ?? null,
        groupType: input.groupType,
        visibility: input.visibility,
        maxMembers: input.maxMembers ?? null,
        inviteCode: newInviteCode(),
      },
      { transaction },
    );
    await Grouping.create({ userId, groupId: group.id, role: 'leader' }, { transaction });
    return groupDto(ctx, group.id, userId, transaction);
  });
}

export async function listMyGroups(ctx: AppContext, userId: string): Promise<GroupDto[]> {
  const rows = await selectGroups(ctx, 'WHERE me.user_id IS NOT NULL AND g.is_active ORDER BY g.group_name, g.id', { userId });
  return rows.map(toGroupDto);
}

export async function discoverGroups(
  ctx: AppContext,
  userId: string,
  query: { q?: string; limit: number; cursor?: string },
): Promise<{ items: GroupDto[]; nextCursor: string | null }> {
  const after = decodeCursor(query.cursor, isIdCursor)?.id ?? 0;
  const conditions = [`g.visibility = 'public'`, 'g.is_active', 'g.id > :after'];
  const replacements: Record<string, unknown> = { userId, after, limit: query.limit + 1 };
  if (query.q) {
    conditions.push(`g.group_name ILIKE :pattern ESCAPE '\\'`);
    replacements.pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  }
  const rows = await selectGroups(ctx, `WHERE ${conditions.join(' AND ')} ORDER BY g.id LIMIT :limit`, replacements);
  const { page, nextCursor } = idPage(rows, query.limit);
  return { items: page.map(toGroupDto), nextCursor };
}

export async function getGroup(ctx: AppContext, groupId: number, userId: string): Promise<GroupDto> {
  await loadGroupAccess(groupId, userId);
  return groupDto(ctx, groupId, userId);
}

export async function updateGroup(ctx: AppContext, groupId: number, userId: string, changes: Partial<GroupInput>): Promise<GroupDto> {
  const dto = await ctx.sequelize.transaction(async (transaction) => {
    await requireRole(groupId, userId, ['leader', 'admin'], transaction);
    const group = await Group.findByPk(groupId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!group) throw notFound('Group');
    if (changes.maxMembers !== undefined && changes.maxMembers !== null) {
      const count = await Grouping.count({ where: { groupId }, transaction });
      if (changes.maxMembers < count) throw conflict(`The group already has ${count} members`);
    }
    await group.update(changes, { transaction });
    return groupDto(ctx, groupId, userId, transaction);
  });
  ctx.broadcast.toGroup(groupId, 'group:updated', { group: { ...dto, myRole: null, inviteCode: null } });
  return dto;
}

export async function deleteGroup(ctx: AppContext, groupId: number, userId: string): Promise<void> {
  await ctx.sequelize.transaction(async (transaction) => {
    const { group } = await requireRole(groupId, userId, ['leader'], transaction);
    await group.update({ isActive: false }, { transaction });
  });
  ctx.broadcast.toGroup(groupId, 'group:deleted', { groupId });
  ctx.broadcast.closeGroup(groupId);
}

async function leaderIds(groupId: number, transaction: Transaction): Promise<string[]> {
  const rows = await Grouping.findAll({ where: { groupId, role: 'leader' }, attributes: ['userId'], transaction });
  return rows.map((r) => r.userId);
}

/**
 * Adds a member under the group row's lock (`SELECT … FOR UPDATE`), so concurrent joins
 * cannot over-fill `maxMembers`. Returns false when the user already was a member.
 * Notifies the leaders and broadcasts `member:joined` after the commit.
 */
export async function addMemberLocked(
  ctx: AppContext,
  transaction: Transaction,
  groupId: number,
  userId: string,
  extra: { invitedBy?: string | null; invitedAt?: Date; username: string; idempotent: boolean },
): Promise<Group> {
  const group = await Group.findByPk(groupId, { transaction, lock: transaction.LOCK.UPDATE });
  if (!group?.isActive) throw notFound('Group');
  const existing = await Grouping.findOne({ where: { groupId, userId }, transaction });
  if (existing) {
    if (extra.idempotent) return group;
    throw conflict('Already a member of this group');
  }
  const count = await Grouping.count({ where: { groupId }, transaction });
  if (isFull(count, group.maxMembers)) throw conflict('The group is full');
  await Grouping.create(
    {
      userId,
      groupId,
      role: 'member',
      ...(extra.invitedBy !== undefined ? { invitationStatus: 'accepted' as const, invitedBy: extra.invitedBy, invitedAt: extra.invitedAt ?? new Date() } : {}),
    },
    { transaction },
  );
  const leaders = (await leaderIds(groupId, transaction)).filter((id) => id !== userId);
  await notify(
    ctx,
    leaders.map((leader) => ({
      userId: leader,
      type: 'member_joined' as const,
      message: `${extra.username} joined ${group.groupName}`,
      data: { groupId, userId },
    })),
    transaction,
  );
  transaction.afterCommit(() => ctx.broadcast.toGroup(groupId, 'member:joined', { groupId, userId, role: 'member' }));
  return group;
}

export async function joinPublicGroup(ctx: AppContext, groupId: number, user: { userId: string; username: string }): Promise<MemberDto> {
  return ctx.sequelize.transaction(async (transaction) => {
    const access = await loadGroupAccess(groupId, user.userId, transaction);
    if (!access.membership && access.group.visibility !== 'public') throw notFound('Group');
    await addMemberLocked(ctx, transaction, groupId, user.userId, { username: user.username, idempotent: true });
    return memberDto(ctx, groupId, user.userId, transaction);
  });
}

export async function joinByInviteCode(ctx: AppContext, inviteCode: string, user: { userId: string; username: string }): Promise<GroupDto> {
  return ctx.sequelize.transaction(async (transaction) => {
    const group = await Group.findOne({ where: { inviteCode, isActive: true }, attributes: ['id'], transaction });
    if (!group) throw notFound('Invite code');
    await addMemberLocked(ctx, transaction, group.id, user.userId, { username: user.username, idempotent: true });
    const locked = await Group.findByPk(group.id, { transaction });
    // The code may have been rotated while we waited for the lock.
    if (locked?.inviteCode !== inviteCode) throw notFound('Invite code');
    return groupDto(ctx, group.id, user.userId, transaction);
  });
}

/** Removes `targetId` from the group under the group lock, keeping the last-leader rule. */
async function removeMembership(
  ctx: AppContext,
  groupId: number,
  targetId: string,
  change: 'leave' | 'remove',
  authorize: (transaction: Transaction) => Promise<void>,
): Promise<{ deactivated: boolean; groupName: string; role: GroupRole }> {
  const result = await ctx.sequelize.transaction(async (transaction) => {
    // Lock first, then authorize: the caller's and the target's roles are read under the
    // lock, so a concurrent role change cannot make a stale permission check pass.
    const locked = await Group.findByPk(groupId, { transaction, lock: transaction.LOCK.UPDATE });
    await authorize(transaction);
    const group = locked;
    if (!group) throw notFound('Group');
    const target = await Grouping.findOne({ where: { groupId, userId: targetId }, transaction });
    if (!target) throw notFound('Member');
    const memberCount = await Grouping.count({ where: { groupId }, transaction });
    const leaderCount = await Grouping.count({ where: { groupId, role: 'leader' }, transaction });
    if (breaksLastLeader({ targetRole: target.role, change, leaderCount, memberCount })) {
      throw conflict('The last leader cannot leave or be removed; make another member leader first');
    }
    await target.destroy({ transaction });
    const deactivated = memberCount <= 1;
    if (deactivated) await group.update({ isActive: false }, { transaction });
    if (change === 'remove') {
      // Stored with the removal (pushed after the commit): never a removal without its notice.
      await notify(
        ctx,
        [{ userId: targetId, type: 'removed_from_group', message: `You were removed from ${group.groupName}`, data: { groupId } }],
        transaction,
      );
    }
    return { deactivated, groupName: group.groupName, role: target.role };
  });
  ctx.broadcast.toGroup(groupId, 'member:left', { groupId, userId: targetId, role: result.role });
  ctx.broadcast.removeUserFromGroup(targetId, groupId);
  if (result.deactivated) {
    ctx.broadcast.toGroup(groupId, 'group:deleted', { groupId });
    ctx.broadcast.closeGroup(groupId);
  }
  return result;
}

export async function leaveGroup(ctx: AppContext, groupId: number, userId: string): Promise<void> {
  await removeMembership(ctx, groupId, userId, 'leave', async (transaction) => {
    await requireMember(groupId, userId, transaction);
  });
}

export async function removeMember(ctx: AppContext, groupId: number, callerId: string, targetId: string): Promise<void> {
  if (callerId === targetId) return leaveGroup(ctx, groupId, callerId);
  await removeMembership(ctx, groupId, targetId, 'remove', async (transaction) => {
    const { role } = await requireRole(groupId, callerId, ['leader', 'admin'], transaction);
    const target = await Grouping.findOne({ where: { groupId, userId: targetId }, transaction });
    if (!target) throw notFound('Member');
    if (!canRemoveMember(role, target.role)) throw forbidden('Admins may remove plain members only');
  });
}

/**
 * A deleted account leaves every group, inside the caller's transaction (one group row
 * locked at a time, in id order): the group keeps a leader (successorLeader: the
 * longest-standing admin, else member, is promoted and notified) and a group left empty
 * is deactivated. Returns what to broadcast once the transaction has committed.
 */
export async function removeUserFromAllGroups(ctx: AppContext, userId: string, transaction: Transaction): Promise<() => void> {
  const memberships = await Grouping.findAll({ where: { userId }, attributes: ['groupId', 'role'], order: [['groupId', 'ASC']], transaction });
  const announcements: Array<() => void> = [];
  for (const membership of memberships) {
    const groupId = membership.groupId;
    const group = await Group.findByPk(groupId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!group) continue;
    const others = await Grouping.findAll({
      where: { groupId, userId: { [Op.ne]: userId } },
      attributes: ['userId', 'role', 'joinedAt'],
      transaction,
    });
    await Grouping.destroy({ where: { groupId, userId }, transaction });
    const successor = membership.role === 'leader' ? successorLeader(others) : null;
    if (successor) {
      await Grouping.update({ role: 'leader' }, { where: { groupId, userId: successor }, transaction });
      await notify(
        ctx,
        [{ userId: successor, type: 'role_changed', message: `Your role in ${group.groupName} is now leader`, data: { groupId, role: 'leader' } }],
        transaction,
      );
    }
    const deactivated = others.length === 0 && group.isActive;
    if (deactivated) await group.update({ isActive: false }, { transaction });
    announcements.push(() => {
      ctx.broadcast.toGroup(groupId, 'member:left', { groupId, userId, role: membership.role });
      ctx.broadcast.removeUserFromGroup(userId, groupId);
      if (successor) ctx.broadcast.toGroup(groupId, 'member:updated', { groupId, userId: successor, role: 'leader' });
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

export async function listMembers(ctx: AppContext, groupId: number, userId: string): Promise<MemberDto[]> {
  await requireMember(groupId, userId);
  const rows = await ctx.sequelize.query<MemberRow>(
    `SELECT m.user_id, u.username, m.role, m.joined_at, m.is_connected, m.last_seen
     FROM groupings m JOIN users u ON u.user_id = m.user_id WHERE m.group_id = :groupId
     ORDER BY CASE m.role WHEN 'leader' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, m.joined_at, m.user_id`,
    { replacements: { groupId }, type: QueryTypes.SELECT },
  );
  return rows.map(toMemberDto);
}

export async function changeRole(ctx: AppContext, groupId: number, callerId: string, targetId: string, role: GroupRole): Promise<MemberDto> {
  const { dto, changed } = await ctx.sequelize.transaction(async (transaction) => {
    // Lock first, then read the caller's role under the lock (see removeMembership).
    const locked = await Group.findByPk(groupId, { transaction, lock: transaction.LOCK.UPDATE });
    const access = await requireMember(groupId, callerId, transaction);
    if (!canChangeRole(access.role)) throw forbidden('Only leaders can change roles');
    const group = locked;
    if (!group) throw notFound('Group');
    const target = await Grouping.findOne({ where: { groupId, userId: targetId }, transaction });
    if (!target) throw notFound('Member');
    const changed = target.role !== role;
    if (changed && target.role === 'leader') {
      const leaderCount = await Grouping.count({ where: { groupId, role: 'leader' }, transaction });
      if (breaksLastLeader({ targetRole: 'leader', change: 'demote', leaderCount, memberCount: 2 })) {
        throw conflict('The last leader cannot be demoted; make another member leader first');
      }
    }
    if (changed) await Grouping.update({ role }, { where: { groupId, userId: targetId }, transaction });
    if (changed && targetId !== callerId) {
      await notify(
        ctx,
        [{ userId: targetId, type: 'role_changed', message: `Your role in ${group.groupName} is now ${role}`, data: { groupId, role } }],
        transaction,
      );
    }
    return { dto: await memberDto(ctx, groupId, targetId, transaction), changed };
  });
  if (changed) ctx.broadcast.toGroup(groupId, 'member:updated', { groupId, userId: targetId, role });
  return dto;
}

export async function rotateInviteCode(ctx: AppContext, groupId: number, userId: string): Promise<{ inviteCode: string }> {
  return ctx.sequelize.transaction(async (transaction) => {
    const { group } = await requireRole(groupId, userId, ['leader', 'admin'], transaction);
    const inviteCode = newInviteCode();
    await group.update({ inviteCode }, { transaction });
    return { inviteCode };
  });
}
