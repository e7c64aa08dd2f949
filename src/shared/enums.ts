/**
 * Enum values of the data model, one `as const` tuple per column, with their union
 * types. The migrations' CHECK constraints list exactly these values; change both
 * together (a new migration swapping the constraint).
 *
 * Pure and Node-free: the data model (`src/db/models`), the wire contract
 * (`src/shared/contract`) and the web client all read them from here.
 */

/** `groupings.role`. Several leaders are allowed; a group keeps at least one. */
export const GROUP_ROLES = ['leader', 'admin', 'member'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

/** `groups.group_type`: who may add/edit/remove resources. */
export const GROUP_TYPES = ['leader_controlled', 'community'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];

/** `groups.visibility`: `private` groups are invisible to non-members. */
export const VISIBILITIES = ['public', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** `group_invitations.status`. `expired` may be written by a sweeper; an unanswered
 * invitation past `expires_at` is expired whether or not it was swept. */
export const INVITATION_STATUSES = ['pending', 'accepted', 'declined', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** `groupings.invitation_status` (the seed's InvitationStatus, without `expired`). */
export const GROUPING_INVITATION_STATUSES = ['pending', 'accepted', 'declined'] as const;
export type GroupingInvitationStatus = (typeof GROUPING_INVITATION_STATUSES)[number];

/** `resources.resource_type`. Only `folder` may have a null `url`, and folders have no progress. */
export const RESOURCE_TYPES = ['image', 'video', 'file', 'folder', 'link'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** `resource_progress.status`. `completed` requires 100 % and `completed_at`. */
export const PROGRESS_STATUSES = ['not_started', 'in_progress', 'completed', 'paused'] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

/** `messages.message_type`. */
export const MESSAGE_TYPES = ['text', 'image'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** `notifications.notification_type`. */
export const NOTIFICATION_TYPES = [
  'invitation_received',
  'invitation_accepted',
  'member_joined',
  'role_changed',
  'removed_from_group',
  'mention',
  'daily_goal_met',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** `study_sessions.mode`: how the timer counted (issue 15). */
export const SESSION_MODES = ['stopwatch', 'pomodoro'] as const;
export type SessionMode = (typeof SESSION_MODES)[number];

/** `study_sessions.end_reason`: why the session ended (issue 15). */
export const SESSION_END_REASONS = ['stopped', 'disconnected', 'max_hours', 'daily_cap'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/** A live timer's state (issue 15; not stored: derived from its start, pauses and settings). */
export const TIMER_STATES = ['focus', 'break', 'paused'] as const;
export type TimerState = (typeof TIMER_STATES)[number];
