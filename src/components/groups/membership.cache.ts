import type { AppContext } from '../../context';
import { AppError, notFound } from '../../lib/errors';
import type { Action, Role, Subject } from '../../shared/policy';
import { authorize, type GroupAccess } from './group-access';
import { findGroup, type GroupRecord, groupRoster, memberRole } from './groups.repository';
import { groupListChanged, userListChanged } from './my-groups.cache';

/**
 * The hot paths' view of group access (room:join, chat:send, chat:typing, presence
 * restores), served from node-local caches (`ctx.caches`, src/lib/cache.ts) so a member
 * joining a room or sending a message costs no PostgreSQL round trip once warm:
 * - `group-access:groups`: groupId → the group row (active or not; absent groups are not cached);
 * - `group-access:roster`: groupId → the group's members (name and role, in joining
 *   order): what a room's state lists and whose role every access check reads. One query
 *   per group fills it, so a room filling with its 100 members costs one load, not 100
 *   (a renamed user's old name may be listed until the TTL runs out). Someone not on
 *   the roster is asked of the database each time, so a member added by any path is
 *   seen at once.
 * Every membership or group change invalidates its group's key after the commit
 * (groups.service, and the broadcaster's membership hooks for removals and closed
 * groups), on every process through Redis pub/sub; the TTL is the safety net for a lost
 * invalidation.
 */
const TTL_MS = 60_000;
const groupsCache = (ctx: AppContext) => ctx.caches.cache<GroupRecord>('group-access:groups', { ttlMs: TTL_MS, max: 20_000 });
/** Who a room lists: its members with their names, in joining order. */
export interface RoomMember {
  userId: string;
  username: string;
}
interface Roster {
  members: RoomMember[];
  roles: ReadonlyMap<string, Role>;
}
const rosterCache = (ctx: AppContext) => ctx.caches.cache<Roster>('group-access:roster', { ttlMs: TTL_MS, max: 5_000 });

async function loadRoster(ctx: AppContext, groupId: number): Promise<Roster> {
  const rows = await groupRoster(ctx.sequelize, groupId);
  return { members: rows.map((r) => ({ userId: r.userId, username: r.username })), roles: new Map(rows.map((r) => [r.userId, r.role])) };
}

const cachedRoster = (ctx: AppContext, groupId: number): Promise<Roster> => rosterCache(ctx).getOrLoad(String(groupId), () => loadRoster(ctx, groupId));

/** A load whose answer must not be cached (absent group, non-member). */
class Uncached<T> {
  constructor(readonly value: T) {}
}

async function unlessUncached<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof Uncached) return error.value as null;
    throw error;
  }
}

/** `groupAccess` through the caches: NOT_FOUND when there is no such group or it was deleted. */
export async function cachedGroupAccess(ctx: AppContext, groupId: number, userId: string): Promise<GroupAccess> {
  const [group, roster] = await Promise.all([
    unlessUncached(
      groupsCache(ctx).getOrLoad(String(groupId), async () => {
        const found = await findGroup(ctx.sequelize, groupId);
        if (!found) throw new Uncached(null);
        return found;
      }),
    ),
    cachedRoster(ctx, groupId),
  ]);
  if (!group?.isActive) throw notFound('Group');
  // Not on the (possibly older) roster: asked of the database, never cached as a stranger.
  const role = roster.roles.get(userId) ?? (await memberRole(ctx.sequelize, groupId, userId));
  return { group, role };
}

/** `requireAccess` through the caches. */
export async function requireCachedAccess(ctx: AppContext, groupId: number, userId: string, action: Action, subject?: Subject): Promise<GroupAccess> {
  const access = await cachedGroupAccess(ctx, groupId, userId);
  authorize(action, access, subject);
  return access;
}

/** Whether the user is a member of the (active or not) group, through the cache. */
export async function isCachedMember(ctx: AppContext, groupId: number, userId: string): Promise<boolean> {
  try {
    return (await cachedGroupAccess(ctx, groupId, userId)).role !== null;
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return false;
    throw error;
  }
}

/** The group's members as a room lists them (name, joining order), through the cache. */
export async function cachedRoomMembers(ctx: AppContext, groupId: number): Promise<RoomMember[]> {
  return (await cachedRoster(ctx, groupId)).members;
}

/** After a committed change of the user's membership (join, leave, removal, role, account deletion), on every process. */
export async function forgetMembership(ctx: AppContext, groupId: number, userId: string): Promise<void> {
  await Promise.all([rosterCache(ctx).invalidate(String(groupId)), groupListChanged(ctx, groupId), userListChanged(ctx, userId)]);
}

/** After a committed change of the group row (edit, deactivation), on every process. */
export async function forgetGroup(ctx: AppContext, groupId: number): Promise<void> {
  await Promise.all([groupsCache(ctx).invalidate(String(groupId)), groupListChanged(ctx, groupId)]);
}
