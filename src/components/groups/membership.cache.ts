import type { AppContext } from '../../context';
import { AppError, notFound } from '../../lib/errors';
import type { Action, Role, Subject } from '../../shared/policy';
import { authorize, type GroupAccess } from './group-access';
import { findGroupWithMembership, type GroupRecord } from './groups.repository';

/**
 * The hot paths' view of group access (room:join, chat:send, chat:typing, presence
 * restores), served from node-local caches (`ctx.caches`, src/lib/cache.ts) so a member
 * joining a room or sending a message costs no PostgreSQL round trip once warm:
 * - `group-access:groups`: groupId → the group row (active or not; absent groups are not cached);
 * - `group-access:roles`: `groupId:userId` → the member's role (members only: a stranger
 *   is asked of the database each time, so a member added by any path is seen at once);
 * - `group-access:members`: groupId → the members a room's state lists, with their names
 *   (a renamed user's old name may be listed until the TTL runs out).
 * Every membership or group change invalidates its key after the commit (groups.service,
 * and the broadcaster's membership hooks for removals and closed groups), on every process
 * through Redis pub/sub; the TTL is the safety net for a lost invalidation.
 */
const TTL_MS = 60_000;
const groupsCache = (ctx: AppContext) => ctx.caches.cache<GroupRecord>('group-access:groups', { ttlMs: TTL_MS, max: 20_000 });
const rolesCache = (ctx: AppContext) => ctx.caches.cache<Role>('group-access:roles', { ttlMs: TTL_MS, max: 200_000 });
const roleKey = (groupId: number, userId: string): string => `${groupId}:${userId}`;
/** Who a room lists: its members with their names, in joining order. */
export interface RoomMember {
  userId: string;
  username: string;
}
const membersCache = (ctx: AppContext) => ctx.caches.cache<RoomMember[]>('group-access:members', { ttlMs: TTL_MS, max: 5_000 });

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
  let query: ReturnType<typeof findGroupWithMembership> | undefined;
  // One query for whatever is missing; both caches note their key's generation now,
  // before it runs, so an invalidation that lands meanwhile keeps its answer out.
  const load = () => (query ??= findGroupWithMembership(ctx.sequelize, groupId, userId));
  const [group, role] = await Promise.all([
    unlessUncached(
      groupsCache(ctx).getOrLoad(String(groupId), async () => {
        const found = await load();
        if (!found) throw new Uncached(null);
        return found.group;
      }),
    ),
    unlessUncached(
      rolesCache(ctx).getOrLoad(roleKey(groupId, userId), async () => {
        const role = (await load())?.membership?.role;
        if (!role) throw new Uncached(null);
        return role;
      }),
    ),
  ]);
  if (!group?.isActive) throw notFound('Group');
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

/** The group's members as a room lists them, through the cache (`load` reads them). */
export function cachedRoomMembers(ctx: AppContext, groupId: number, load: () => Promise<RoomMember[]>): Promise<RoomMember[]> {
  return membersCache(ctx).getOrLoad(String(groupId), load);
}

/** After a committed change of the user's membership (join, leave, removal, role, account deletion), on every process. */
export async function forgetMembership(ctx: AppContext, groupId: number, userId: string): Promise<void> {
  await Promise.all([rolesCache(ctx).invalidate(roleKey(groupId, userId)), membersCache(ctx).invalidate(String(groupId))]);
}

/** After a committed change of the group row (edit, deactivation), on every process. */
export function forgetGroup(ctx: AppContext, groupId: number): Promise<void> {
  return groupsCache(ctx).invalidate(String(groupId));
}
