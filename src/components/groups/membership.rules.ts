import type { GroupRole, GroupType } from '../../db/models';

/**
 * Pure membership rules (no database): who may change roles, remove members and invite,
 * and the invariant "a group keeps a leader while it has members".
 */

export type LeaderChange = 'leave' | 'remove' | 'demote';

/**
 * Would this change take away the group's last leader while members remain?
 * `memberCount` and `leaderCount` are counted before the change.
 */
export function breaksLastLeader(input: { targetRole: GroupRole; change: LeaderChange; leaderCount: number; memberCount: number }): boolean {
  if (input.targetRole !== 'leader' || input.leaderCount > 1) return false;
  // The very last member may leave: the group is then deactivated.
  if (input.change === 'leave' && input.memberCount <= 1) return false;
  return true;
}

/** Leaders may remove anyone; admins only plain members; nobody else. */
export function canRemoveMember(callerRole: GroupRole, targetRole: GroupRole): boolean {
  if (callerRole === 'leader') return true;
  return callerRole === 'admin' && targetRole === 'member';
}

/** Only leaders change roles. */
export function canChangeRole(callerRole: GroupRole): boolean {
  return callerRole === 'leader';
}

/** Leaders and admins invite; in community groups every member may. */
export function canInvite(callerRole: GroupRole, groupType: GroupType): boolean {
  return callerRole === 'leader' || callerRole === 'admin' || groupType === 'community';
}

/** Is the group full for one more member? `maxMembers` null = unlimited. */
export function isFull(memberCount: number, maxMembers: number | null): boolean {
  return maxMembers !== null && memberCount >= maxMembers;
}

export interface RemainingMember {
  userId: string;
  role: GroupRole;
  joinedAt: Date;
}

/**
 * Who becomes leader when the only leader goes for good (account deleted) while others
 * remain: the longest-standing admin, else the longest-standing member (ties by user
 * id). Null when a leader remains or nobody does.
 */
export function successorLeader(remaining: RemainingMember[]): string | null {
  if (remaining.length === 0 || remaining.some((m) => m.role === 'leader')) return null;
  const rank = (m: RemainingMember): number => (m.role === 'admin' ? 0 : 1);
  const [first] = [...remaining].sort((a, b) => rank(a) - rank(b) || a.joinedAt.getTime() - b.joinedAt.getTime() || a.userId.localeCompare(b.userId));
  return first?.userId ?? null;
}
