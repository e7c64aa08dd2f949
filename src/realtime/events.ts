/**
 * The one Socket.IO event contract (API.md "Socket.IO events"). Passed as generics to
 * the server, the Redis emitter and, reversed, to test clients.
 */

export interface ErrorAck {
  ok: false;
  error: { code: string; message: string; details?: unknown };
}
export type Ack<T extends object = object> = ({ ok: true } & T) | ErrorAck;
export type AckFn<T extends object = object> = (response: Ack<T>) => void;

export interface TimerDto {
  startedAt: string;
  groupId: number | null;
}

export interface SessionDto {
  id: number | null;
  sessionUuid: string;
  groupId: number | null;
  durationSeconds: number;
  sessionDate: string;
  startedAt: string;
  endedAt: string;
  sessionNotes: string | null;
}

export interface ReplyToDto {
  id: number;
  username: string;
  /** The first characters of its text (at most 120, whitespace folded, `…` when cut). */
  excerpt: string;
}

export interface MessageDto {
  id: number;
  groupId: number;
  userId: string;
  username: string;
  content: string | null;
  messageType: 'text' | 'image';
  replyToId: number | null;
  /** A short quote of the message replied to; null without a reply or once that message is deleted. */
  replyTo: ReplyToDto | null;
  isEdited: boolean;
  isDeleted: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface NotificationDto {
  id: number;
  notificationType: string;
  notificationMessage: string;
  data: Record<string, unknown>;
  isRead: boolean;
  createdAt: string;
}

export interface RoomMemberState {
  userId: string;
  username: string;
  online: boolean;
  timer: TimerDto | null;
}

export interface RoomState {
  groupId: number;
  members: RoomMemberState[];
}

/** Resource and Group payloads are the REST shapes (see the components' DTO mappers). */
export type ResourceDto = Record<string, unknown> & { id: number; groupId: number };
export type GroupDto = Record<string, unknown> & { id: number };

export interface ClientToServerEvents {
  'auth:refresh': (payload: unknown, ack: AckFn) => void;
  'room:join': (payload: unknown, ack: AckFn<{ state: RoomState }>) => void;
  'room:leave': (payload: unknown, ack: AckFn) => void;
  'timer:start': (payload: unknown, ack: AckFn<{ timer: TimerDto }>) => void;
  'timer:stop': (payload: unknown, ack: AckFn<{ session: SessionDto | null; discarded: boolean }>) => void;
  'chat:send': (payload: unknown, ack: AckFn<{ message: MessageDto }>) => void;
  'chat:edit': (payload: unknown, ack: AckFn<{ message: MessageDto }>) => void;
  'chat:delete': (payload: unknown, ack: AckFn) => void;
  'chat:typing': (payload: unknown, ack?: AckFn) => void;
}

export interface ServerToClientEvents {
  'presence:update': (payload: { groupId: number; userId: string; online: boolean; lastSeen: string | null }) => void;
  'timer:started': (payload: { groupId: number; userId: string; startedAt: string }) => void;
  'timer:stopped': (payload: { groupId: number; userId: string; durationSeconds: number }) => void;
  'chat:message': (payload: { message: MessageDto }) => void;
  'chat:edited': (payload: { message: MessageDto }) => void;
  'chat:deleted': (payload: { groupId: number; messageId: number }) => void;
  'chat:typing': (payload: { groupId: number; userId: string }) => void;
  'leaderboard:updated': (payload: { groupId: number }) => void;
  'progress:updated': (payload: { groupId: number; resourceId: number; userId: string; status: string; progressPercentage: number }) => void;
  'resource:created': (payload: { groupId: number; resource: ResourceDto }) => void;
  'resource:updated': (payload: { groupId: number; resource: ResourceDto }) => void;
  'resource:deleted': (payload: { groupId: number; resourceId: number }) => void;
  'member:joined': (payload: { groupId: number; userId: string; role?: string }) => void;
  'member:left': (payload: { groupId: number; userId: string; role?: string }) => void;
  'member:updated': (payload: { groupId: number; userId: string; role?: string }) => void;
  'group:updated': (payload: { group: GroupDto }) => void;
  'group:deleted': (payload: { groupId: number }) => void;
  'notification:new': (payload: { notification: NotificationDto }) => void;
  'timer:state': (payload: { timer: TimerDto | null }) => void;
}

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
