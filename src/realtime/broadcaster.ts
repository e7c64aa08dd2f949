import type { Emitter } from '@socket.io/redis-emitter';
import type { Server } from 'socket.io';
import { groupRoom, userRoom, type ServerToClientEvents } from './events';
import { createPresenceCoalescer, type PresenceChange } from './presence-diff';

type EventName = keyof ServerToClientEvents;

/** The pub/sub channel key of the Socket.IO adapter and emitter: under the deployment's prefix. */
export const ioChannelKey = (redisKeyPrefix: string): string => `${redisKeyPrefix}socket.io`;
type Payload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

export interface ToUserOptions {
  /** Skip this socket (the one that caused the change already knows). */
  exceptSocketId?: string;
}

/**
 * How domain code reaches the rooms, whatever process it runs in: API nodes use their
 * Socket.IO server (the Redis adapter fans out to every node), workers use the Redis
 * emitter. Both reach every node's sockets.
 */
export interface Broadcaster {
  toGroup<E extends EventName>(groupId: number, event: E, payload: Payload<E>): void;
  toUser<E extends EventName>(userId: string, event: E, payload: Payload<E>, options?: ToUserOptions): void;
  /** One event to every socket of each of these users (one adapter message, not one per user). */
  toUsers<E extends EventName>(userIds: string[], event: E, payload: Payload<E>): void;
  /**
   * A member's presence in a group changed (first socket in / last one out): queued and
   * sent to the room as part of one `presence:diff`, at most one per room every 200 ms
   * from this process (presence-diff.ts).
   */
  presence(groupId: number, change: PresenceChange): void;
  /** Makes every socket of the user leave the group's room, on every node (and clears their presence there). */
  removeUserFromGroup(userId: string, groupId: number): void;
  /** Empties the group's room on every node (group deleted) and drops its presence. */
  closeGroup(groupId: number): void;
  /** Disconnects every socket of the user, on every node (account deleted). */
  disconnectUser(userId: string): void;
  /**
   * At shutdown, before the Redis connections close: sends the pending presence diffs now
   * and queues no more (a later transition would be published on a closed connection; the
   * other nodes' presence sweep covers what this node no longer announces).
   */
  close(): void;
}

type Target = Server<never, ServerToClientEvents> | Emitter<ServerToClientEvents>;

interface Operator {
  emit(event: string, payload: unknown): void;
  except(room: string): Operator;
}

export function createBroadcaster(target: Target): Broadcaster {
  // Both Server and Emitter expose to(room).except(room).emit and in(room).socketsLeave(room).
  const t = target as unknown as {
    to(room: string | string[]): Operator;
    in(room: string): { socketsLeave(room: string): void; disconnectSockets(close?: boolean): void };
  };
  const toGroup = <E extends EventName>(groupId: number, event: E, payload: Payload<E>): void => t.to(groupRoom(groupId)).emit(event, payload);
  const presence = createPresenceCoalescer((diff) => toGroup(diff.groupId, 'presence:diff', diff));
  return {
    toGroup,
    presence: (groupId, change) => presence.add(groupId, change),
    toUser: (userId, event, payload, options) => {
      const op = t.to(userRoom(userId));
      // Every socket is in a room named after its id, on whichever node it lives.
      (options?.exceptSocketId ? op.except(options.exceptSocketId) : op).emit(event, payload);
    },
    toUsers: (userIds, event, payload) => {
      if (userIds.length > 0) t.to(userIds.map(userRoom)).emit(event, payload);
    },
    removeUserFromGroup: (userId, groupId) => t.in(userRoom(userId)).socketsLeave(groupRoom(groupId)),
    closeGroup: (groupId) => t.in(groupRoom(groupId)).socketsLeave(groupRoom(groupId)),
    // Through the adapter (API nodes) or the emitter (workers): every node's sockets.
    disconnectUser: (userId) => t.in(userRoom(userId)).disconnectSockets(true),
    close: () => {
      presence.flush();
      presence.close();
    },
  };
}

/**
 * The broadcaster of a context whose rooms do not exist yet (the API node's context is
 * built before its Socket.IO server): every use is a bug, reported to `onUse`.
 */
export function detachedBroadcaster(onUse: () => void): Broadcaster {
  return {
    toGroup: onUse,
    toUser: onUse,
    toUsers: onUse,
    presence: onUse,
    removeUserFromGroup: onUse,
    closeGroup: onUse,
    disconnectUser: onUse,
    close: () => undefined,
  };
}

export interface MembershipHooks {
  userRemoved(userId: string, groupId: number): Promise<void>;
  groupClosed(groupId: number): Promise<void>;
}

/**
 * Wraps a broadcaster so that removing a member or closing a group also brings the
 * live state (presence) in line. The hooks run in the background; failures are
 * reported to `onError` (presence then heals through its TTL).
 */
export function withMembershipHooks(inner: Broadcaster, hooks: MembershipHooks, onError: (error: unknown) => void): Broadcaster {
  return {
    toGroup: (groupId, event, payload) => inner.toGroup(groupId, event, payload),
    toUser: (userId, event, payload, options) => inner.toUser(userId, event, payload, options),
    toUsers: (userIds, event, payload) => inner.toUsers(userIds, event, payload),
    presence: (groupId, change) => inner.presence(groupId, change),
    removeUserFromGroup: (userId, groupId) => {
      inner.removeUserFromGroup(userId, groupId);
      hooks.userRemoved(userId, groupId).catch(onError);
    },
    closeGroup: (groupId) => {
      inner.closeGroup(groupId);
      hooks.groupClosed(groupId).catch(onError);
    },
    disconnectUser: (userId) => inner.disconnectUser(userId),
    close: () => inner.close(),
  };
}
