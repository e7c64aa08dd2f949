import type { Db } from '../../db/access';
import { AppError, notFound } from '../../lib/errors';
import { type Action, decide, type Role, type Standing, type Subject } from '../../shared/policy';
import { findGroupWithMembership, type GroupRecord } from './groups.repository';

/**
 * The server's side of the permission policy (src/shared/policy.ts): loads the group and
 * the caller's role, and turns the policy's refusal into the AppError clients get. Every
 * component's use-cases check access here; none compares roles itself.
 */
export interface GroupAccess {
  group: GroupRecord;
  /** The caller's role; null for a non-member (who may see a public group only). */
  role: Role | null;
}

export const standingOf = (access: GroupAccess): Standing => ({ role: access.role, groupType: access.group.groupType, visibility: access.group.visibility });

/** The group and the caller's role in it: NOT_FOUND when there is no such group or it was deleted. */
export async function groupAccess(db: Db, groupId: number, userId: string): Promise<GroupAccess> {
  const found = await findGroupWithMembership(db, groupId, userId);
  if (!found?.group.isActive) throw notFound('Group');
  return { group: found.group, role: found.membership?.role ?? null };
}

/** Throws the policy's refusal — NOT_FOUND (a private group a stranger cannot see) or FORBIDDEN — unless `action` is allowed. */
export function authorize(action: Action, access: GroupAccess, subject?: Subject): void {
  const decision = decide(action, standingOf(access), subject);
  if (!decision.allowed) throw decision.error === 'NOT_FOUND' ? notFound('Group') : new AppError('FORBIDDEN', decision.message);
}

/** `groupAccess` then `authorize`: the group as the caller may see it, for `action`. */
export async function requireAccess(db: Db, groupId: number, userId: string, action: Action, subject?: Subject): Promise<GroupAccess> {
  const access = await groupAccess(db, groupId, userId);
  authorize(action, access, subject);
  return access;
}
