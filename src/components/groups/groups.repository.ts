import type { CreationAttributes, InferAttributes, Transaction } from 'sequelize';
import { Op } from 'sequelize';
import { type Db, locking, plain, select, selectOne, within } from '../../db/access';
import { Group, Grouping } from '../../db/models';
import { ROLES, type Role } from '../../shared/policy';
import type { GroupRow, MemberRow } from './group.dto';

/**
 * The only data access of groups and memberships (`groups`, `groupings`). Returns plain
 * objects. Presence's `is_connected`/`last_seen` columns are written by the presence
 * component's repository.
 */

export type GroupRecord = InferAttributes<Group>;
export type MembershipRecord = InferAttributes<Grouping>;
export type NewGroup = Pick<
  CreationAttributes<Group>,
  'creatorId' | 'groupName' | 'description' | 'image' | 'groupType' | 'visibility' | 'maxMembers' | 'inviteCode'
>;
export type GroupChanges = Partial<Pick<GroupRecord, 'groupName' | 'description' | 'image' | 'groupType' | 'visibility' | 'maxMembers'>>;

// ------------------------------------------------------------------------------ groups

/** The group (active or not) with `userId`'s membership row, if any, in one round trip. */
export async function findGroupWithMembership(
  db: Db,
  groupId: number,
  userId: string,
): Promise<{ group: GroupRecord; membership: MembershipRecord | null } | null> {
  const found = plain<GroupRecord & { groupings?: MembershipRecord[] }>(
    await Group.findByPk(groupId, { include: [{ model: Grouping, as: 'groupings', where: { userId }, required: false }], ...within(db) }),
  );
  if (!found) return null;
  const { groupings, ...group } = found;
  return { group, membership: groupings?.[0] ?? null };
}

/** The group's members with their names and roles, in joining order (a room's roster). */
export function groupRoster(db: Db, groupId: number): Promise<Array<{ userId: string; username: string; role: Role }>> {
  return select(
    db,
    `SELECT m.user_id AS "userId", u.username, m.role
       FROM groupings m JOIN users u ON u.user_id = m.user_id
      WHERE m.group_id = :groupId
      ORDER BY m.joined_at, m.user_id`,
    { groupId },
  );
}

/** The user's role in the group, or null for a non-member. */
export async function memberRole(db: Db, groupId: number, userId: string): Promise<Role | null> {
  const row = await selectOne<{ role: Role }>(db, 'SELECT role FROM groupings WHERE group_id = :groupId AND user_id = :userId', { groupId, userId });
  return row?.role ?? null;
}

export async function findGroup(db: Db, groupId: number): Promise<GroupRecord | null> {
  return plain<GroupRecord>(await Group.findByPk(groupId, within(db)));
}

/**
 * Locks the group row (`SELECT … FOR UPDATE`) until the transaction ends: what serialises
 * joins against `maxMembers`, the last-leader rule, role changes, folder moves and upload
 * quotas of one group. Null when there is no such group.
 */
export async function lockGroup(tx: Transaction, groupId: number): Promise<GroupRecord | null> {
  return plain<GroupRecord>(await Group.findByPk(groupId, locking(tx)));
}

/** The id of the active group holding this invite code, or null. */
export async function activeGroupIdByInviteCode(db: Db, inviteCode: string): Promise<number | null> {
  const group = await Group.findOne({ where: { inviteCode, isActive: true }, attributes: ['id'], ...within(db) });
  return group?.id ?? null;
}

export async function insertGroup(db: Db, values: NewGroup): Promise<number> {
  const group = await Group.create(values, within(db));
  return group.id;
}

/** Writes the fields that differ (the row's `updated_at` moves only when one does). */
export async function updateGroup(db: Db, groupId: number, changes: GroupChanges & { isActive?: boolean; inviteCode?: string }): Promise<void> {
  const group = await Group.findByPk(groupId, within(db));
  await group?.update(changes, within(db));
}

// ----------------------------------------------------------------- Group and Member DTO rows

const GROUP_SELECT = `
  SELECT g.*, (SELECT count(*) FROM groupings m WHERE m.group_id = g.id)::int AS member_count, me.role AS my_role
  FROM groups g LEFT JOIN groupings me ON me.group_id = g.id AND me.user_id = :userId`;

/** The row of the Group DTO as `userId` sees it (with `member_count` and `my_role`). */
export function groupRow(db: Db, groupId: number, userId: string): Promise<GroupRow | null> {
  return selectOne<GroupRow>(db, `${GROUP_SELECT} WHERE g.id = :groupId`, { groupId, userId });
}

/** `userId`'s active groups, by name. */
export function myGroupRows(db: Db, userId: string): Promise<GroupRow[]> {
  return select<GroupRow>(db, `${GROUP_SELECT} WHERE me.user_id IS NOT NULL AND g.is_active ORDER BY g.group_name, g.id`, { userId });
}

/** Active public groups after id `after`, `limit` of them, optionally whose name contains `search` (case-insensitive). */
export function publicGroupRows(db: Db, userId: string, page: { after: number; limit: number; search?: string }): Promise<GroupRow[]> {
  const conditions = [`g.visibility = 'public'`, 'g.is_active', 'g.id > :after'];
  const replacements: Record<string, unknown> = { userId, after: page.after, limit: page.limit };
  if (page.search) {
    conditions.push(`g.group_name ILIKE :pattern ESCAPE '\\'`);
    replacements.pattern = `%${page.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  }
  return select<GroupRow>(db, `${GROUP_SELECT} WHERE ${conditions.join(' AND ')} ORDER BY g.id LIMIT :limit`, replacements);
}

const MEMBER_SELECT = `
  SELECT m.user_id, u.username, m.role, m.joined_at, m.is_connected, m.last_seen
  FROM groupings m JOIN users u ON u.user_id = m.user_id`;

export function memberRow(db: Db, groupId: number, userId: string): Promise<MemberRow | null> {
  return selectOne<MemberRow>(db, `${MEMBER_SELECT} WHERE m.group_id = :groupId AND m.user_id = :userId`, { groupId, userId });
}

/** The group's members: by role (policy's order), then by how long they have been in. */
export function memberRows(db: Db, groupId: number): Promise<MemberRow[]> {
  return select<MemberRow>(
    db,
    `${MEMBER_SELECT} WHERE m.group_id = :groupId
     ORDER BY array_position(ARRAY[:roles]::text[], m.role::text), m.joined_at, m.user_id`,
    { groupId, roles: [...ROLES] },
  );
}

// ------------------------------------------------------------------------- memberships

export async function findMembership(db: Db, groupId: number, userId: string): Promise<MembershipRecord | null> {
  return plain<MembershipRecord>(await Grouping.findOne({ where: { groupId, userId }, ...within(db) }));
}

export async function isMember(db: Db, groupId: number, userId: string): Promise<boolean> {
  return (await Grouping.count({ where: { groupId, userId }, ...within(db) })) > 0;
}

/** Members of the group, or only those holding `role`. */
export function countMembers(db: Db, groupId: number, role?: Role): Promise<number> {
  return Grouping.count({ where: role ? { groupId, role } : { groupId }, ...within(db) });
}

export async function memberIdsWithRole(db: Db, groupId: number, role: Role): Promise<string[]> {
  const rows = await Grouping.findAll({ where: { groupId, role }, attributes: ['userId'], ...within(db) });
  return rows.map((r) => r.userId);
}

export async function insertMembership(
  db: Db,
  values: Pick<CreationAttributes<Grouping>, 'userId' | 'groupId' | 'role' | 'invitationStatus' | 'invitedBy' | 'invitedAt'>,
): Promise<void> {
  await Grouping.create(values, within(db));
}

export async function deleteMembership(db: Db, groupId: number, userId: string): Promise<void> {
  await Grouping.destroy({ where: { groupId, userId }, ...within(db) });
}

export async function setRole(db: Db, groupId: number, userId: string, role: Role): Promise<void> {
  await Grouping.update({ role }, { where: { groupId, userId }, ...within(db) });
}

/** `userId`'s memberships, in group id order (the order their groups are locked in). */
export async function membershipsOf(db: Db, userId: string): Promise<Array<Pick<MembershipRecord, 'groupId' | 'role'>>> {
  const rows = await Grouping.findAll({ where: { userId }, attributes: ['groupId', 'role'], order: [['groupId', 'ASC']], ...within(db) });
  return rows.map((r) => ({ groupId: r.groupId, role: r.role }));
}

/** The group's members other than `userId`. */
export async function otherMembers(db: Db, groupId: number, userId: string): Promise<Array<Pick<MembershipRecord, 'userId' | 'role' | 'joinedAt'>>> {
  const rows = await Grouping.findAll({ where: { groupId, userId: { [Op.ne]: userId } }, attributes: ['userId', 'role', 'joinedAt'], ...within(db) });
  return rows.map((r) => ({ userId: r.userId, role: r.role, joinedAt: r.joinedAt }));
}
