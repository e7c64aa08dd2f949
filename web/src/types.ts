/**
 * The wire shapes the web client uses: the contract's own types (src/shared/contract),
 * derived from the server's zod schemas and imported as types only — nothing of the
 * contract (or zod) enters the bundle, and the client cannot drift from the server.
 */

export type {
  Ack,
  AckSuccess,
  ClientEventName,
  ClientPayload,
  ClientToServerEvents,
  DemoUser,
  Group,
  Invitation,
  JsonRouteName,
  Leaderboard,
  Member,
  MyGroup,
  Message,
  Notification,
  Page,
  Period,
  Progress,
  Resource,
  RestBody,
  RestRequest,
  RestResponse,
  RoomMemberState,
  RoomState,
  ServerEventName,
  ServerPayload,
  ServerToClientEvents,
  Session,
  Stats,
  Timer,
  UploadTicket,
  User,
} from '../../src/shared/contract';
export type { GroupRole as Role, ProgressStatus, ResourceType } from '../../src/shared/enums';
