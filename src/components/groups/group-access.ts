import type { Transaction } from 'sequelize';
import { Group, Grouping, type GroupRole } from '../../db/models';
import { AppError, forbidden, notFound } from '../../lib/errors';

export interface GroupAccess {
  group: Group;
  /** The caller's membership, or null for a stranger to a public group. */
  membership: Grouping | null;
  role: GroupRole | null;
}

/**
 * The visibility rule of API.md, in one place: an absent or deleted group, or a private
 * group the caller is not in, is NOT_FOUND; a public group is visible to anyone.
 */
export async function loadGroupAccess(groupId: number, userId: string, transaction?: Transaction): Promise<GroupAccess> {
  // One round trip: the group with the caller's membership row, if any.
  const group = await Group.findByPk(groupId, {
    include: [{ model: Grouping, as: 'groupings', where: { userId }, required: false }],
    transaction,
  });
  if (!group?.isActive) throw notFound('Group');
  const membership = group.groupings?.[0] ?? null;
  if (!membership && group.visibility === 'private') throw notFound('Group');
  return { group, membership, role: membership?.role ?? null };
}

/** Visible and a member (any role): otherwise NOT_FOUND (private) or FORBIDDEN (public). */
export async function requireMember(
  groupId: number,
  userId: string,
  transaction?: Transaction,
): Promise<GroupAccess & { membership: Grouping; role: GroupRole }> {
  const access = await loadGroupAccess(groupId, userId, transaction);
  if (!access.membership) throw forbidden('Only members of this group can do that');
  return access as GroupAccess & { membership: Grouping; role: GroupRole };
}

/** A member holding one of `roles`: otherwise FORBIDDEN (or NOT_FOUND as above). */
export async function requireRole(
  groupId: number,
  userId: string,
  roles: readonly GroupRole[],
  transaction?: Transaction,
): Promise<GroupAccess & { membership: Grouping; role: GroupRole }> {
  const access = await requireMember(groupId, userId, transaction);
  if (!roles.includes(access.role)) throw new AppError('FORBIDDEN', `Only ${roles.join(' or ')}s can do that`);
  return access;
}

/** Is `userId` a member of the group right now? (cheap check for hot paths) */
export async function isMember(groupId: number, userId: string): Promise<boolean> {
  return (await Grouping.count({ where: { groupId, userId } })) > 0;
}
