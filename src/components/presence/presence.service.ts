import type { Actor, AppContext } from '../../context';
import { groupRoom, type RoomState } from '../../realtime/events';
import { cachedRoomMembers, isCachedMember, type RoomMember, requireCachedAccess } from '../groups';
import { type StoredTimer, timersRead, toTimerDto } from '../timers';
import { disconnectAll, writeConnected } from './presence.repository';
import {
  addEntry,
  addEntryAndRead,
  clearDirty,
  type Transition,
  dropGroup,
  groupsWithPresence,
  readDirty,
  removeEntry,
  removeUserEntries,
  sweepGroups,
} from './presence.store';

/**
 * Announces a presence transition to the room (coalesced into `presence:diff`). The
 * script that decided it also queued it for `groupings.is_connected` / `last_seen`
 * (`presence:dirty`), written behind in batches by `flushConnected`.
 */
function announce(ctx: AppContext, groupId: number, who: { userId: string; username?: string }, online: boolean, seq: Transition, at = new Date()): void {
  const lastSeen = at.toISOString();
  ctx.broadcast.presence(
    groupId,
    online ? { userId: who.userId, username: who.username ?? '', online, lastSeen, seq } : { userId: who.userId, online, lastSeen, seq },
  );
}

/**
 * Mirrors pending transitions (any node's: they wait in Redis, so a node that dies
 * leaves them to the others) in `groupings`, one statement per batch; returns how many.
 */
export async function flushConnected(ctx: AppContext, limit = 500): Promise<number> {
  const pending = await readDirty(ctx, limit);
  if (pending.length === 0) return 0;
  await writeConnected(ctx.sequelize, pending);
  await clearDirty(ctx, pending);
  return pending.length;
}

/** The group's members as its room lists them, through the membership cache. */
export function membersOf(ctx: AppContext, groupId: number): Promise<RoomMember[]> {
  return cachedRoomMembers(ctx, groupId);
}

/** Member ids per member list: the cached list is the same array until its roster changes (timersRead reuses its keys). */
const idsOfList = new WeakMap<readonly RoomMember[], string[]>();

function memberIds(members: readonly RoomMember[]): string[] {
  let ids = idsOfList.get(members);
  if (!ids) {
    ids = members.map((m) => m.userId);
    idsOfList.set(members, ids);
  }
  return ids;
}

/** The room as a joining member sees it: every member, online flag and running timer. */
function stateOf(groupId: number, members: readonly RoomMember[], online: ReadonlySet<string>, timers: ReadonlyMap<string, StoredTimer>): RoomState {
  return {
    groupId,
    members: members.map((m) => {
      const timer = timers.get(m.userId);
      return { userId: m.userId, username: m.username, online: online.has(m.userId), timer: timer ? toTimerDto(timer) : null };
    }),
  };
}

/** What presence needs of a socket: its id and joining or leaving rooms. */
export interface RoomSocket {
  id: string;
  join(room: string): unknown;
  leave(room: string): unknown;
}

/**
 * A member's socket enters the room: membership is checked first (strangers join
 * nothing), then the socket joins and its presence entry is added.
 */
export async function joinRoom(ctx: AppContext, actor: Actor, input: { groupId: number; socket: RoomSocket }): Promise<RoomState> {
  const { groupId, socket } = input;
  const room = groupRoom(groupId);
  await requireCachedAccess(ctx, groupId, actor.userId, 'presence.view');
  await socket.join(room);
  // Checked again once in the room: a removal (or group deletion) committed while this
  // join was in flight would otherwise leave a former member in the room, since its
  // socketsLeave may have run before the join. One committed after this check sends its
  // socketsLeave after the join, so either way the socket ends up out. Through the cache:
  // the removal's invalidation is published before its socketsLeave (groups.service),
  // so a node that already processed that socketsLeave has dropped the cached role.
  try {
    await requireCachedAccess(ctx, groupId, actor.userId, 'presence.view');
  } catch (error) {
    await socket.leave(room);
    throw error;
  }
  // The entry, the online users and the members' timers in one round trip.
  const members = await membersOf(ctx, groupId);
  const ids = memberIds(members);
  const { transition, reads } = await addEntryAndRead(ctx, groupId, socket.id, actor.userId, timersRead(ctx, ids), ids);
  if (transition) announce(ctx, groupId, actor, true, transition);
  const { online, also: timers } = reads();
  return stateOf(groupId, members, online, timers);
}

/** `room:leave` of a socket that is not in the room: like every group event, NOT_FOUND (absent/private) or FORBIDDEN (public) for non-members. */
export async function checkRoomAccess(ctx: AppContext, actor: Actor, input: { groupId: number }): Promise<void> {
  await requireCachedAccess(ctx, input.groupId, actor.userId, 'presence.view');
}

/** A socket leaves a room (explicitly or by disconnecting). */
export async function leaveRoom(ctx: AppContext, input: { socketId: string; userId: string; groupId: number }): Promise<void> {
  const left = await removeEntry(ctx, input.groupId, input.socketId, input.userId);
  if (left) announce(ctx, input.groupId, input, false, left);
}

/**
 * A socket still in the room whose entry was swept (its node or Redis stalled longer
 * than the TTL): put it back if the user is still a member, announcing them online.
 */
export async function restoreEntry(ctx: AppContext, input: { socketId: string; userId: string; username: string; groupId: number }): Promise<void> {
  const { socketId, userId, groupId } = input;
  if (!(await isCachedMember(ctx, groupId, userId))) return;
  const joined = await addEntry(ctx, groupId, socketId, userId);
  if (joined) announce(ctx, groupId, input, true, joined);
}

/** Expired entries (sockets of dead nodes) → offline for users with nothing left. */
export async function sweepExpired(ctx: AppContext, now = Date.now(), stopped: () => boolean = () => false): Promise<void> {
  const groups = await groupsWithPresence(ctx);
  // Every group in one pipelined round trip (scripts by SHA), in slices to bound a reply.
  for (let i = 0; i < groups.length; i += 500) {
    if (stopped()) return;
    const gone = await sweepGroups(ctx, groups.slice(i, i + 500), now);
    const at = new Date(now);
    for (const [groupId, { transition, users }] of gone) for (const userId of users) announce(ctx, groupId, { userId }, false, transition, at);
  }
}

/** A member removed from the group: drop every entry of theirs, offline at once. */
export async function userRemovedFromGroup(ctx: AppContext, input: { userId: string; groupId: number }): Promise<void> {
  const left = await removeUserEntries(ctx, input.groupId, input.userId);
  if (left) announce(ctx, input.groupId, input, false, left);
}

/** A deleted group: its presence goes with it. */
export async function groupClosed(ctx: AppContext, input: { groupId: number }): Promise<void> {
  await dropGroup(ctx, input.groupId);
  await disconnectAll(ctx.sequelize, input.groupId, new Date());
}
