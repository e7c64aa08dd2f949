import { Grouping, User } from '../../db/models';
import type { AppContext } from '../../context';
import type { RoomState } from '../../realtime/events';
import { isMember, requireAccess } from '../groups';
import { readTimers } from '../timers/timer.store';
import { toTimerDto } from '../timers/timer.rules';
import { usersGoneOffline } from './presence.rules';
import { addEntry, dropGroup, groupsWithPresence, onlineUsers, removeEntry, removeUserEntries, sweepGroup } from './presence.store';

/**
 * Announces a presence transition to the room and mirrors it in
 * `groupings.is_connected` / `last_seen`.
 */
async function announce(ctx: AppContext, groupId: number, userId: string, online: boolean, at = new Date()): Promise<void> {
  ctx.broadcast.toGroup(groupId, 'presence:update', { groupId, userId, online, lastSeen: at.toISOString() });
  await Grouping.update({ isConnected: online, lastSeen: at }, { where: { groupId, userId } });
}

/** The room as a joining member sees it: every member, online flag and running timer. */
export async function roomState(ctx: AppContext, groupId: number): Promise<RoomState> {
  const memberships = await Grouping.findAll({
    where: { groupId },
    include: [{ model: User, as: 'user', attributes: ['username'] }],
    order: [['joinedAt', 'ASC']],
  });
  const userIds = memberships.map((m) => m.userId);
  const [online, timers] = await Promise.all([onlineUsers(ctx, groupId), readTimers(ctx, userIds)]);
  return {
    groupId,
    members: memberships.map((m) => {
      const timer = timers.get(m.userId);
      return { userId: m.userId, username: m.user?.username ?? '', online: online.has(m.userId), timer: timer ? toTimerDto(timer) : null };
    }),
  };
}

/**
 * A member's socket enters the room: membership is checked first (strangers join
 * nothing), then the socket joins and its presence entry is added.
 */
export async function joinRoom(
  ctx: AppContext,
  socket: { id: string; join(room: string): unknown; leave(room: string): unknown },
  userId: string,
  groupId: number,
  room: string,
): Promise<RoomState> {
  await requireAccess(ctx.sequelize, groupId, userId, 'presence.view');
  await socket.join(room);
  // Checked again once in the room: a removal (or group deletion) committed while this
  // join was in flight would otherwise leave a former member in the room, since its
  // socketsLeave may have run before the join. One committed after this check sends its
  // socketsLeave after the join, so either way the socket ends up out.
  try {
    await requireAccess(ctx.sequelize, groupId, userId, 'presence.view');
  } catch (error) {
    await socket.leave(room);
    throw error;
  }
  if (await addEntry(ctx, groupId, socket.id, userId)) await announce(ctx, groupId, userId, true);
  return roomState(ctx, groupId);
}

/** A socket leaves a room (explicitly or by disconnecting). */
export async function leaveRoom(ctx: AppContext, socketId: string, userId: string, groupId: number): Promise<void> {
  if (await removeEntry(ctx, groupId, socketId, userId)) await announce(ctx, groupId, userId, false);
}

/**
 * A socket still in the room whose entry was swept (its node or Redis stalled longer
 * than the TTL): put it back if the user is still a member, announcing them online.
 */
export async function restoreEntry(ctx: AppContext, socketId: string, userId: string, groupId: number): Promise<void> {
  if (!(await isMember(ctx.sequelize, groupId, userId))) return;
  if (await addEntry(ctx, groupId, socketId, userId)) await announce(ctx, groupId, userId, true);
}

/** Expired entries (sockets of dead nodes) → offline for users with nothing left. */
export async function sweepExpired(ctx: AppContext, now = Date.now(), stopped: () => boolean = () => false): Promise<void> {
  for (const groupId of await groupsWithPresence(ctx)) {
    if (stopped()) return;
    const { expired, live } = await sweepGroup(ctx, groupId, now);
    for (const userId of usersGoneOffline(expired, live)) await announce(ctx, groupId, userId, false);
  }
}

/** A member removed from the group: drop every entry of theirs, offline at once. */
export async function userRemovedFromGroup(ctx: AppContext, userId: string, groupId: number): Promise<void> {
  if (await removeUserEntries(ctx, groupId, userId)) await announce(ctx, groupId, userId, false);
}

/** A deleted group: its presence goes with it. */
export async function groupClosed(ctx: AppContext, groupId: number): Promise<void> {
  await dropGroup(ctx, groupId);
  await Grouping.update({ isConnected: false, lastSeen: new Date() }, { where: { groupId, isConnected: true } });
}
