import { Group, Grouping } from '../../src/db/models';
import type { GroupRole, Visibility } from '../../src/db/models';
import type { TestApp } from '../helpers/test-app';

export type Member = Awaited<ReturnType<TestApp['signedUpUser']>>;

/** A group created straight through the models (group routes belong to another component). */
export async function createGroup(leader: Member, options: { visibility?: Visibility; name?: string } = {}): Promise<Group> {
  const group = await Group.create({
    creatorId: leader.userId,
    groupName: options.name ?? `group ${Math.random().toString(36).slice(2, 8)}`,
    groupType: 'community',
    visibility: options.visibility ?? 'private',
  });
  await Grouping.create({ userId: leader.userId, groupId: group.id, role: 'leader' });
  return group;
}

export async function addMember(group: Group, user: Member, role: GroupRole = 'member'): Promise<void> {
  await Grouping.create({ userId: user.userId, groupId: group.id, role });
}

type PresenceDiff = { groupId: number; joins: Array<{ userId: string }>; leaves: Array<{ userId: string }> };
/** A `presence:diff` that announces the user online. */
export const cameOnline =
  (userId: string) =>
  (p: PresenceDiff): boolean =>
    p.joins.some((j) => j.userId === userId);
/** A `presence:diff` that announces the user offline. */
export const wentOffline =
  (userId: string) =>
  (p: PresenceDiff): boolean =>
    p.leaves.some((l) => l.userId === userId);
/** The transitions a diff carries, one per user: `{userId, online}`. */
export const transitionsOf = (p: PresenceDiff): Array<{ userId: string; online: boolean }> => [
  ...p.leaves.map((l) => ({ userId: l.userId, online: false })),
  ...p.joins.map((j) => ({ userId: j.userId, online: true })),
];
