import { DevTokenBody, DevTokenSchema, DemoUsersSchema } from './dev';
import { EditMessageBody, HistoryQuery, MarkReadBody, MessagePageSchema, MessageSchema, SendMessageBody } from './chat';
import {
  ChangeRoleBody,
  CreateGroupBody,
  CreateInvitationBody,
  DiscoverQuery,
  GroupListSchema,
  GroupPageSchema,
  GroupSchema,
  InvitationListSchema,
  InvitationSchema,
  InviteCodeSchema,
  JoinByCodeBody,
  MemberListSchema,
  MemberParams,
  MemberSchema,
  UpdateGroupBody,
} from './groups';
import { LeaderboardQuery, LeaderboardSchema } from './leaderboards';
import { NotificationPageSchema, NotificationsQuery, UnreadCountSchema } from './notifications';
import { IdParams } from './primitives';
import {
  CreateResourceBody,
  ListResourcesQuery,
  ProgressListSchema,
  ProgressSchema,
  PutProgressBody,
  ResourceListSchema,
  ResourceSchema,
  UpdateResourceBody,
} from './resources';
import { ListSessionsQuery, PatchSessionBody, SessionPageSchema, SessionSchema } from './sessions';
import { StartTimerInput, StopResultSchema, StopTimerInput, TimerSchema, TimerStateSchema } from './timers';
import { ContentQuery, ContentUrlSchema, CreateUploadBody, UploadParams, UploadQuery, UploadTicketSchema } from './uploads';
import {
  PatchMeBody,
  PublicUserSchema,
  SelfUserSchema,
  StatsQuery,
  StatsSchema,
  SubjectListSchema,
  UserParams,
  UserSearchPageSchema,
  UserSearchQuery,
} from './users';
import type { z } from './zod';

/**
 * The REST contract: every JSON route of `/api` (and the development sign-in under
 * `/dev`), keyed `METHOD /path` as docs/API.md writes them, with the schemas that
 * validate its path parameters, query and body and describe its success answer. The
 * components' routes validate and document with these same schemas (a test compares the
 * served OpenAPI document with one generated from this map), and the web client's
 * `api(route, …)` takes its types from here.
 */
export interface RestRouteSpec {
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The success body (JSON); none for 204 and for bytes. */
  response?: z.ZodType;
  /** Success status; default 200. */
  status?: 200 | 201 | 204;
  /** The request or the success answer is bytes, not JSON. */
  bytes?: true;
}

export const restRoutes = {
  // Users
  'GET /api/me': { response: SelfUserSchema },
  'PATCH /api/me': { body: PatchMeBody, response: SelfUserSchema },
  'GET /api/users/:userId': { params: UserParams, response: PublicUserSchema },
  'GET /api/users': { query: UserSearchQuery, response: UserSearchPageSchema },
  'GET /api/me/stats': { query: StatsQuery, response: StatsSchema },
  'GET /api/me/subjects': { response: SubjectListSchema },
  // Groups
  'POST /api/groups': { body: CreateGroupBody, response: GroupSchema, status: 201 },
  'GET /api/groups': { response: GroupListSchema },
  'GET /api/groups/discover': { query: DiscoverQuery, response: GroupPageSchema },
  'POST /api/groups/join': { body: JoinByCodeBody, response: GroupSchema },
  'GET /api/groups/:id': { params: IdParams, response: GroupSchema },
  'PATCH /api/groups/:id': { params: IdParams, body: UpdateGroupBody, response: GroupSchema },
  'DELETE /api/groups/:id': { params: IdParams, status: 204 },
  'POST /api/groups/:id/join': { params: IdParams, response: MemberSchema },
  'POST /api/groups/:id/leave': { params: IdParams, status: 204 },
  'GET /api/groups/:id/members': { params: IdParams, response: MemberListSchema },
  'PATCH /api/groups/:id/members/:userId': { params: MemberParams, body: ChangeRoleBody, response: MemberSchema },
  'DELETE /api/groups/:id/members/:userId': { params: MemberParams, status: 204 },
  'POST /api/groups/:id/invite-code': { params: IdParams, response: InviteCodeSchema },
  // Invitations
  'POST /api/groups/:id/invitations': { params: IdParams, body: CreateInvitationBody, response: InvitationSchema, status: 201 },
  'GET /api/invitations': { response: InvitationListSchema },
  'POST /api/invitations/:id/accept': { params: IdParams, response: MemberSchema },
  'POST /api/invitations/:id/decline': { params: IdParams, response: InvitationSchema },
  // Resources and progress
  'GET /api/groups/:id/resources': { params: IdParams, query: ListResourcesQuery, response: ResourceListSchema },
  'POST /api/groups/:id/resources': { params: IdParams, body: CreateResourceBody, response: ResourceSchema, status: 201 },
  'PATCH /api/resources/:id': { params: IdParams, body: UpdateResourceBody, response: ResourceSchema },
  'DELETE /api/resources/:id': { params: IdParams, status: 204 },
  'PUT /api/resources/:id/progress': { params: IdParams, body: PutProgressBody, response: ProgressSchema },
  'GET /api/resources/:id/progress': { params: IdParams, response: ProgressSchema },
  'GET /api/resources/:id/progress/all': { params: IdParams, response: ProgressListSchema },
  // Uploads (issue 14)
  'POST /api/groups/:id/uploads': { params: IdParams, body: CreateUploadBody, response: UploadTicketSchema, status: 201 },
  'PUT /api/uploads/:uploadId': { params: UploadParams, query: UploadQuery, status: 204, bytes: true },
  'GET /api/resources/:id/content': { params: IdParams, query: ContentQuery, bytes: true },
  'GET /api/resources/:id/content-url': { params: IdParams, response: ContentUrlSchema },
  // Timers and sessions
  'POST /api/timer/start': { body: StartTimerInput, response: TimerSchema, status: 201 },
  'POST /api/timer/stop': { body: StopTimerInput, response: StopResultSchema },
  'POST /api/timer/pause': { response: TimerSchema },
  'POST /api/timer/resume': { response: TimerSchema },
  'GET /api/timer': { response: TimerStateSchema },
  'GET /api/sessions': { query: ListSessionsQuery, response: SessionPageSchema },
  'PATCH /api/sessions/:id': { params: IdParams, body: PatchSessionBody, response: SessionSchema },
  // Leaderboards
  'GET /api/groups/:id/leaderboard': { params: IdParams, query: LeaderboardQuery, response: LeaderboardSchema },
  // Chat
  'GET /api/groups/:id/messages': { params: IdParams, query: HistoryQuery, response: MessagePageSchema },
  'POST /api/groups/:id/messages': { params: IdParams, body: SendMessageBody, response: MessageSchema, status: 201 },
  'PATCH /api/messages/:id': { params: IdParams, body: EditMessageBody, response: MessageSchema },
  'DELETE /api/messages/:id': { params: IdParams, status: 204 },
  'POST /api/groups/:id/read': { params: IdParams, body: MarkReadBody, status: 204 },
  // Notifications
  'GET /api/notifications': { query: NotificationsQuery, response: NotificationPageSchema },
  'GET /api/notifications/unread-count': { response: UnreadCountSchema },
  'POST /api/notifications/read-all': { status: 204 },
  'POST /api/notifications/:id/read': { params: IdParams, status: 204 },
  // Development sign-in (development only, outside /api)
  'POST /dev/token': { body: DevTokenBody, response: DevTokenSchema },
  'GET /dev/demo-users': { response: DemoUsersSchema },
} as const satisfies Record<string, RestRouteSpec>;

export type RestRoutes = typeof restRoutes;
export type RestRouteName = keyof RestRoutes;
/** The JSON routes a client calls with a JSON answer or none (not the byte routes). */
export type JsonRouteName = { [R in RestRouteName]: RestRoutes[R] extends { bytes: true } ? never : R }[RestRouteName];

/** `GET /api/groups/:id` → `{method: 'GET', path: '/api/groups/:id'}`. */
export function splitRouteName(name: string): { method: string; path: string } {
  const [method = '', path = ''] = name.split(' ');
  return { method, path };
}

/** Widens the string inputs of path and query parameters (decimal ids) to numbers too. */
type Loose<T> = string extends T ? T | number : T;

/** The path parameters of `R`, by name. */
export type RestParams<R extends RestRouteName> = RestRoutes[R] extends { params: infer P extends z.ZodType }
  ? { [K in keyof z.input<P>]-?: Loose<z.input<P>[K]> }
  : never;
/** The query of `R`: every parameter optional; null and undefined are left out. */
export type RestQuery<R extends RestRouteName> = RestRoutes[R] extends { query: infer Q extends z.ZodType }
  ? { [K in keyof z.input<Q>]?: Loose<Exclude<z.input<Q>[K], undefined>> | null }
  : never;
/** The JSON body a client sends to `R` (before the server parses it). */
export type RestBody<R extends RestRouteName> = RestRoutes[R] extends { body: infer B extends z.ZodType } ? z.input<B> : never;
/** The success answer of `R`; `void` for 204. */
export type RestResponse<R extends RestRouteName> = RestRoutes[R] extends { response: infer S extends z.ZodType } ? z.output<S> : undefined;

type IfPresent<K extends string, T> = [T] extends [never] ? unknown : { [P in K]: T };
type IfPresentOptional<K extends string, T> = [T] extends [never] ? unknown : { [P in K]?: T };

/** What a client gives to call `R`: `params` when the path has any, `query` (optional), `body` when the route takes one. */
export type RestRequest<R extends RestRouteName> = IfPresent<'params', RestParams<R>> &
  IfPresentOptional<'query', RestQuery<R>> &
  (Partial<RestBody<R>> extends RestBody<R> ? IfPresentOptional<'body', RestBody<R>> : IfPresent<'body', RestBody<R>>);
