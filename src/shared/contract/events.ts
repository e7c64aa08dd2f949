import { GROUP_ROLES, PROGRESS_STATUSES, SESSION_MODES, TIMER_STATES } from '../enums';
import { ChatDeletePayload, ChatEditPayload, ChatReadPayload, ChatSendPayload, ChatTypingPayload, MessageSchema } from './chat';
import type { ErrorAck } from './errors';
import { GroupSchema } from './groups';
import { NotificationSchema } from './notifications';
import { ResourceSchema } from './resources';
import { AuthRefreshPayload, RoomPayload, RoomStateSchema } from './rooms';
import { SessionSchema } from './sessions';
import { StartTimerInput, StopTimerInput, TimerActionInput, TimerSchema, TimerStateSchema } from './timers';
import { z } from './zod';

/**
 * The Socket.IO event contract: every event in both directions, with its payload schema
 * (and, client → server, the schema of its success ack). Everything else derives from
 * these two maps: the Socket.IO generics of the server, the Redis emitter, the test
 * clients and the web client; the payload validation and the ack type of `handle()`; the
 * AsyncAPI document (`GET /api/asyncapi.json`). Adding an event or a field is a change
 * here (plus its row in docs/API.md, which a test compares with the generated document).
 */

/** A client → server event. */
export interface ClientEventSpec {
  /** What the event does, for the AsyncAPI document. */
  summary: string;
  /** The payload, validated by the server (`handle()`); strict: unknown fields are refused. */
  payload: z.ZodType;
  /** The fields of the success ack besides `ok: true`. */
  ack: z.ZodObject;
  /** The ack callback is optional (the handler runs without one); otherwise an event without one is ignored. */
  ackOptional?: true;
  /** The feature that added it (docs/API.md marks the same). */
  since?: string;
}

/** A server → client event. */
export interface ServerEventSpec {
  summary: string;
  payload: z.ZodObject;
  /** `group`: to the room `group:<id>` (members who joined it); `user`: to every socket of one user. */
  to: 'group' | 'user';
  since?: string;
}

const Ok = z.object({});

const clientEventSpecs = {
  'auth:refresh': {
    summary: 'Hand the socket a fresh token of the same user: the socket then lives until the new token expires',
    payload: AuthRefreshPayload,
    ack: Ok,
    since: 'issue 10',
  },
  'room:join': {
    summary: "Join a group's room (members only): its live events, and the room's state in the ack",
    payload: RoomPayload,
    ack: z.object({ state: RoomStateSchema }),
  },
  'room:leave': { summary: "Leave a group's room", payload: RoomPayload, ack: Ok },
  'timer:start': { summary: 'Start my study timer (in a group: members only)', payload: StartTimerInput, ack: z.object({ timer: TimerSchema }) },
  'timer:stop': {
    summary: 'Stop my study timer',
    payload: StopTimerInput,
    ack: z.object({
      session: SessionSchema.nullable().openapi({ description: 'null when discarded (shorter than MIN_SESSION_SECONDS)' }),
      discarded: z.boolean(),
    }),
  },
  'timer:pause': {
    summary: 'Pause my running timer (a Pomodoro clock freezes too)',
    payload: TimerActionInput,
    ack: z.object({ timer: TimerSchema }),
    since: 'issue 15',
  },
  'timer:resume': { summary: 'Resume my paused timer', payload: TimerActionInput, ack: z.object({ timer: TimerSchema }), since: 'issue 15' },
  'chat:send': { summary: 'Send a chat message (members only)', payload: ChatSendPayload, ack: z.object({ message: MessageSchema }) },
  'chat:edit': { summary: 'Edit my message', payload: ChatEditPayload, ack: z.object({ message: MessageSchema }) },
  'chat:delete': { summary: 'Delete a message (author, leader, admin)', payload: ChatDeletePayload, ack: Ok },
  'chat:typing': {
    summary: 'Tell the room I am typing (volatile, never stored; the ack is optional)',
    payload: ChatTypingPayload,
    ack: Ok,
    ackOptional: true,
  },
  'chat:read': {
    summary: "Record that I have read the group's messages up to this one (never moves backwards; members only)",
    payload: ChatReadPayload,
    ack: Ok,
    since: 'issue 16',
  },
} as const satisfies Record<string, ClientEventSpec>;

const MemberChange = z.object({ groupId: z.number().int(), userId: z.string(), role: z.enum(GROUP_ROLES).optional() });
const ResourceChange = z.object({ groupId: z.number().int(), resource: ResourceSchema.openapi({ description: 'The Resource, with `myProgress` null' }) });

export const serverEvents = {
  'presence:diff': {
    summary:
      'Members whose first socket joined the room (joins) or whose last one left (leaves), coalesced per room: at most one per room every 200 ms from each API node (a busy room widens its window up to 1 s); a user is in at most one list',
    payload: z.object({
      groupId: z.number().int(),
      joins: z.array(z.object({ userId: z.string(), username: z.string(), lastSeen: z.string() })),
      leaves: z.array(z.object({ userId: z.string(), lastSeen: z.string() })),
    }),
    to: 'group',
    since: 'issue 12',
  },
  'timer:started': {
    summary: 'A member started a timer in this group',
    payload: z.object({
      groupId: z.number().int(),
      userId: z.string(),
      startedAt: z.string(),
      mode: z.enum(SESSION_MODES),
      state: z.enum(TIMER_STATES),
      subject: z.string().nullable(),
      focusSeconds: z.number().int(),
      phaseEndsAt: z.string().nullable(),
      cycle: z.number().int().nullable(),
    }),
    to: 'group',
  },
  'timer:paused': {
    summary: "A member's timer in this group was paused",
    payload: z.object({ groupId: z.number().int(), userId: z.string(), focusSeconds: z.number().int() }),
    to: 'group',
    since: 'issue 15',
  },
  'timer:resumed': {
    summary:
      "A member's timer in this group was resumed, with the phase it runs in now (state, phaseEndsAt, cycle as in timer:started: an extension of issue 15's payload)",
    payload: z.object({
      groupId: z.number().int(),
      userId: z.string(),
      focusSeconds: z.number().int(),
      state: z.enum(TIMER_STATES),
      phaseEndsAt: z.string().nullable(),
      cycle: z.number().int().nullable(),
    }),
    to: 'group',
    since: 'issue 15',
  },
  'timer:phase': {
    summary: "A member's Pomodoro in this group changed phase (focus or break)",
    payload: z.object({
      groupId: z.number().int(),
      userId: z.string(),
      state: z.enum(TIMER_STATES),
      phaseEndsAt: z.string().nullable(),
      cycle: z.number().int().nullable(),
    }),
    to: 'group',
    since: 'issue 15',
  },
  'timer:stopped': {
    summary: "A member's timer in this group stopped (also when the session was discarded)",
    payload: z.object({ groupId: z.number().int(), userId: z.string(), durationSeconds: z.number().int() }),
    to: 'group',
  },
  'timer:state': {
    summary: "My timer changed elsewhere (another tab, REST, the worker's stale-timer stop, a Pomodoro phase change)",
    payload: TimerStateSchema,
    to: 'user',
  },
  'chat:message': { summary: 'A new message, after it is stored', payload: z.object({ message: MessageSchema }), to: 'group' },
  'chat:edited': { summary: 'A message was edited', payload: z.object({ message: MessageSchema }), to: 'group' },
  'chat:deleted': { summary: 'A message was deleted', payload: z.object({ groupId: z.number().int(), messageId: z.number().int() }), to: 'group' },
  'chat:typing': { summary: 'A member is typing (never to the typist)', payload: z.object({ groupId: z.number().int(), userId: z.string() }), to: 'group' },
  'leaderboard:updated': {
    summary: 'A session of this group was stored: refetch the leaderboard',
    payload: z.object({ groupId: z.number().int() }),
    to: 'group',
  },
  'progress:updated': {
    summary: "A member's progress on a resource changed",
    payload: z.object({
      groupId: z.number().int(),
      resourceId: z.number().int(),
      userId: z.string(),
      status: z.enum(PROGRESS_STATUSES),
      progressPercentage: z.number().int(),
    }),
    to: 'group',
  },
  'resource:created': { summary: 'A resource or folder was added', payload: ResourceChange, to: 'group' },
  'resource:updated': { summary: 'A resource was edited or moved', payload: ResourceChange, to: 'group' },
  'resource:deleted': { summary: 'A resource was deleted', payload: z.object({ groupId: z.number().int(), resourceId: z.number().int() }), to: 'group' },
  'member:joined': { summary: 'Someone joined the group', payload: MemberChange, to: 'group' },
  'member:left': { summary: 'A member left or was removed', payload: MemberChange, to: 'group' },
  'member:updated': { summary: "A member's role changed", payload: MemberChange, to: 'group' },
  'group:updated': {
    summary: 'The group was edited',
    payload: z.object({ group: GroupSchema.openapi({ description: 'The Group, with `myRole` and `inviteCode` null' }) }),
    to: 'group',
  },
  'group:deleted': { summary: 'The group was deleted (or its last member left)', payload: z.object({ groupId: z.number().int() }), to: 'group' },
  'notification:new': { summary: 'A notification for me was stored', payload: z.object({ notification: NotificationSchema }), to: 'user' },
  'goal:met': {
    summary: 'A stored session first took one of my local days over my daily goal (once per local day)',
    payload: z.object({
      date: z.string().openapi({ description: 'The local day (YYYY-MM-DD in my time zone)' }),
      seconds: z.number().int().openapi({ description: "The day's counted seconds when the goal was met" }),
    }),
    to: 'user',
    since: 'issue 16',
  },
  'group:read': {
    summary: 'I read a group up to this message elsewhere (another tab or device): clear its unread badge',
    payload: z.object({ groupId: z.number().int(), lastReadMessageId: z.number().int() }),
    to: 'user',
    since: 'issue 16',
  },
  'group:activity': {
    summary:
      'A new message in one of my groups (sent to every member, whether or not they joined its room), coalesced per group: at most one per group every 2 s from each API node, the last one carrying the latest lastMessageAt. Refetch GET /api/groups for the counts',
    payload: z.object({ groupId: z.number().int(), lastMessageAt: z.string() }),
    to: 'user',
    since: 'issue 16',
  },
} as const satisfies Record<string, ServerEventSpec>;

// ---- Types derived from the maps ----

type ClientEventSpecs = typeof clientEventSpecs;
export type ServerEvents = typeof serverEvents;
export type ClientEventName = keyof ClientEventSpecs;
export type ServerEventName = keyof ServerEvents;

/** What a client sends with `E` (before the server parses it). */
export type ClientPayload<E extends ClientEventName> = z.input<ClientEventSpecs[E]['payload']>;
/** What the server's use-case receives for `E`, once parsed (trimmed strings, defaults). */
export type ParsedPayload<E extends ClientEventName> = z.output<ClientEventSpecs[E]['payload']>;
/** The fields of `E`'s success ack besides `ok`. */
export type AckFields<E extends ClientEventName> = z.output<ClientEventSpecs[E]['ack']>;
export type AckSuccess<E extends ClientEventName> = { ok: true } & AckFields<E>;
export type Ack<E extends ClientEventName> = AckSuccess<E> | ErrorAck;
export type AckFn<E extends ClientEventName> = (response: Ack<E>) => void;

/**
 * The client events by name, typed per event (so `clientEvents[event].payload` of a generic
 * `event` parses into `ParsedPayload<typeof event>`).
 */
export type ClientEvents = {
  [E in ClientEventName]: Omit<ClientEventSpecs[E], 'payload'> & {
    payload: z.ZodType<ParsedPayload<E>, ClientPayload<E>>;
  };
};
export const clientEvents: ClientEvents = clientEventSpecs;

/** The payload a client receives with `E`. */
export type ServerPayload<E extends ServerEventName> = z.output<ServerEvents[E]['payload']>;

type Listener<E extends ClientEventName> = ClientEventSpecs[E] extends { ackOptional: true }
  ? (payload: ClientPayload<E>, ack?: AckFn<E>) => void
  : (payload: ClientPayload<E>, ack: AckFn<E>) => void;

/** Socket.IO's first generic on the server (listen) and second on clients (emit). */
export type ClientToServerEvents = { [E in ClientEventName]: Listener<E> };
/** Socket.IO's second generic on the server and the emitter (emit), first on clients (listen). */
export type ServerToClientEvents = { [E in ServerEventName]: (payload: ServerPayload<E>) => void };

// Shapes carried by events, by their contract names.
export type Timer = z.output<typeof TimerSchema>;
export type Session = z.output<typeof SessionSchema>;
export type RoomState = z.output<typeof RoomStateSchema>;
export type RoomMemberState = RoomState['members'][number];
