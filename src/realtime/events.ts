/**
 * The server's side of the Socket.IO contract. The events themselves — names, payload
 * and ack schemas, and the types derived from them — are in `src/shared/contract/events.ts`
 * (shared with the web client); they are re-exported here for the server, the Redis
 * emitter and the tests, with what only the server knows: the data each socket carries
 * and the names of the rooms.
 */
import type { z } from '../shared/contract/zod';
import type { MessageSchema, ReplyToSchema } from '../shared/contract/chat';
import type { NotificationSchema } from '../shared/contract/notifications';

export type {
  Ack,
  AckFields,
  AckFn,
  AckSuccess,
  ClientEventName,
  ClientPayload,
  ClientToServerEvents,
  ErrorAck,
  ParsedPayload,
  RoomMemberState,
  RoomState,
  ServerEventName,
  ServerPayload,
  ServerToClientEvents,
} from '../shared/contract';
export type { Session as SessionDto, Timer as TimerDto } from '../shared/contract';

export type MessageDto = z.output<typeof MessageSchema>;
export type ReplyToDto = z.output<typeof ReplyToSchema>;
export type NotificationDto = z.output<typeof NotificationSchema>;

/** None: nodes talk through the Redis adapter's rooms, not server-side events. */
export type InterServerEvents = Record<string, never>;

export interface SocketData {
  userId: string;
  username: string;
  /** ms since epoch when the socket's token runs out (disconnected then, unless refreshed). */
  expiresAt: number;
}

export const groupRoom = (groupId: number): string => `group:${groupId}`;
export const userRoom = (userId: string): string => `user:${userId}`;
