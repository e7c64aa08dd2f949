import type { Emitter } from '@socket.io/redis-emitter';
import type { Server } from 'socket.io';
import { groupRoom, userRoom, type ServerToClientEvents } from './events';

type EventName = keyof ServerToClientEvents;
type Payload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

/**
 * How domain code reaches the rooms, whatever process it runs in: API nodes use their
 * Socket.IO server (the Redis adapter fans out to every node), workers use the Redis
 * emitter. Both reach every node's sockets.
 */
export interface Broadcaster {
  toGroup<E extends EventName>(groupId: number, event: E, payload: Payload<E>): void;
  toUser<E extends EventName>(userId: string, event: E, payload: Payload<E>): void;
  /** Makes every socket of the user leave the group's room, on every node. */
  removeUserFromGroup(userId: string, groupId: number): void;
  /** Empties the group's room on every node (group deleted). */
  closeGroup(groupId: number): void;
}

type Target = Server<never, ServerToClientEvents> | Emitter<ServerToClientEvents>;

export function createBroadcaster(target: Target): Broadcaster {
  // Both Server and Emitter expose to(room).emit and in(room).socketsLeave(room).
  const t = target as unknown as {
    to(room: string): { emit(event: string, payload: unknown): void };
    in(room: string): { socketsLeave(room: string): void };
  };
  return {
    toGroup: (groupId, event, payload) => t.to(groupRoom(groupId)).emit(event, payload),
    toUser: (userId, event, payload) => t.to(userRoom(userId)).emit(event, payload),
    removeUserFromGroup: (userId, groupId) => t.in(userRoom(userId)).socketsLeave(groupRoom(groupId)),
    closeGroup: (groupId) => t.in(groupRoom(groupId)).socketsLeave(groupRoom(groupId)),
  };
}
