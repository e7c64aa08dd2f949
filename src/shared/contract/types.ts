import type { DemoUsersSchema } from './dev';
import type { GroupSchema, InvitationSchema, MemberSchema, MyGroupSchema } from './groups';
import type { LeaderboardSchema } from './leaderboards';
import type { MessageSchema, ReplyToSchema } from './chat';
import type { NotificationSchema } from './notifications';
import type { ProgressSchema, ResourceSchema } from './resources';
import type { StatsSchema, PublicUserSchema, SelfUserSchema, SubjectListSchema } from './users';
import type { UploadTicketSchema } from './uploads';
import type { z } from './zod';

/** The shapes of docs/API.md "Shapes", as a client receives them. */
export type User = z.output<typeof SelfUserSchema>;
export type PublicUser = z.output<typeof PublicUserSchema>;
export type Group = z.output<typeof GroupSchema>;
/** An item of `GET /api/groups` (the Group plus `unreadCount` and `lastMessageAt`). */
export type MyGroup = z.output<typeof MyGroupSchema>;
export type Member = z.output<typeof MemberSchema>;
export type Invitation = z.output<typeof InvitationSchema>;
export type Resource = z.output<typeof ResourceSchema>;
export type Progress = z.output<typeof ProgressSchema>;
export type Message = z.output<typeof MessageSchema>;
export type ReplyTo = z.output<typeof ReplyToSchema>;
export type Notification = z.output<typeof NotificationSchema>;
export type Leaderboard = z.output<typeof LeaderboardSchema>;
export type Stats = z.output<typeof StatsSchema>;
export type SubjectList = z.output<typeof SubjectListSchema>;
export type UploadTicket = z.output<typeof UploadTicketSchema>;
export type DemoUser = z.output<typeof DemoUsersSchema>['items'][number];
/** A page of a list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
