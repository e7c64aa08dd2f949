import { IdValue } from './primitives';
import { TimerSchema } from './timers';
import { z } from './zod';

/** Rooms and presence over the socket (docs/API.md "Socket.IO events"). */

export const RoomPayload = z.object({ groupId: IdValue }).strict();

export const RoomMemberStateSchema = z
  .object({ userId: z.string(), username: z.string(), online: z.boolean(), timer: TimerSchema.nullable() })
  .openapi('RoomMemberState');
export const RoomStateSchema = z.object({ groupId: z.number().int(), members: z.array(RoomMemberStateSchema) }).openapi('RoomState');

/** `auth:refresh`: a fresh token of the same user (added by issue 10). */
export const AuthRefreshPayload = z.object({ token: z.string().min(1).max(8192) }).strict();
