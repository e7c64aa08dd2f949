/**
 * The permission policy of StudySync: who may do what in a group, in one table.
 *
 * Every route, socket handler and use-case that is role-gated asks `decide` (the server
 * turns a refusal into its AppError in `src/components/groups/group-access.ts`), the web
 * client asks `can` to show only what the caller may do, and the authorization test
 * (test/authz/groups-authz.test.ts) reads its expected statuses from this same table.
 *
 * Pure and dependency-free on purpose: no imports, no Node, no I/O. The web client bundles
 * this file as it is (Vite and `tsc -p web` need nothing for it).
 *
 * The table is action × standing × group type → a cell:
 * - the standing is the caller's role in the group (`leader`, `admin`, `member`) or
 *   `stranger` (signed in, not a member);
 * - visibility: a private group is invisible to strangers, so every action of a stranger
 *   on a private group is NOT_FOUND (the same answer as a group that does not exist); the
 *   `stranger` column is for public groups;
 * - the group type matters for inviting and for resources (`leader_controlled`: leaders
 *   decide; `community`: every member shares);
 * - some cells depend on the subject: `own` (their own resource or message) and `plain`
 *   (the member acted on is a plain member).
 * A refusal is FORBIDDEN, with the row's message.
 *
 * Also here, because they are role rules too: what a new member and a group's creator
 * become, the order roles are listed in, the last-leader rule and who succeeds a leader
 * whose account is deleted. No other file compares roles.
 */

/** Member roles, highest first (the order member lists use). The data model's enum tuple holds the same values. */
export const ROLES = ['leader', 'admin', 'member'] as const;
export type Role = (typeof ROLES)[number];
export type GroupType = 'leader_controlled' | 'community';
export type Visibility = 'public' | 'private';

/** The role that leads a group; a group keeps at least one while it has members. */
export const LEADER_ROLE: Role = 'leader';
/** The role of whoever creates a group. */
export const CREATOR_ROLE: Role = LEADER_ROLE;
/** The role of whoever joins (public join, invite code, accepted invitation). */
export const NEW_MEMBER_ROLE: Role = 'member';

/**
 * - `yes`: allowed;
 * - `no`: FORBIDDEN;
 * - `own`: allowed on what is the caller's own (the resource they uploaded, the message
 *   they wrote), FORBIDDEN on anyone else's;
 * - `plain`: allowed when the member acted on is a plain member, FORBIDDEN on a leader or
 *   an admin.
 */
export type Cell = 'yes' | 'no' | 'own' | 'plain';

export interface Row {
  leader: Cell;
  admin: Cell;
  member: Cell;
  /** A signed-in non-member of a public group (of a private group: always NOT_FOUND). Only `yes` or `no`. */
  stranger: 'yes' | 'no';
  /** The FORBIDDEN message for a member. */
  refusal: string;
  /** The FORBIDDEN message of an `own`/`plain` cell whose subject is not theirs / not plain (default: `refusal`). */
  refusalOnOthers?: string;
}

/** A row that depends on the group type. */
export type TypedRow = Record<GroupType, Row>;

const ONLY_MEMBERS = 'Only members of this group can do that';
const members = (what: string): Row => ({ leader: 'yes', admin: 'yes', member: 'yes', stranger: 'no', refusal: what });
const leadersAndAdmins = (refusal: string): Row => ({ leader: 'yes', admin: 'yes', member: 'no', stranger: 'no', refusal });
const leaders = (refusal: string): Row => ({ leader: 'yes', admin: 'no', member: 'no', stranger: 'no', refusal });

const ADD_RESOURCE: TypedRow = {
  leader_controlled: leaders('Only leaders add resources to this group'),
  community: members('Only leaders add resources to this group'),
};
const manageResource = (refusal: string): TypedRow => ({
  leader_controlled: leaders(refusal),
  community: { leader: 'yes', admin: 'yes', member: 'own', stranger: 'no', refusal },
});

/**
 * THE table. Each action names what it gates (REST route or socket event).
 */
export const POLICY = {
  /** GET /groups/:id (a public group is visible to anyone signed in). */
  'group.view': { leader: 'yes', admin: 'yes', member: 'yes', stranger: 'yes', refusal: ONLY_MEMBERS },
  /** PATCH /groups/:id. */
  'group.edit': leadersAndAdmins('Only leader or admins can do that'),
  /** DELETE /groups/:id. */
  'group.delete': leaders('Only leaders can do that'),
  /** The invite code: seeing it in the Group DTO, and POST /groups/:id/invite-code (rotate). */
  'group.inviteCode': leadersAndAdmins('Only leader or admins can do that'),
  /** POST /groups/:id/join: a public group (a member is already in: idempotent). */
  'group.join': { leader: 'yes', admin: 'yes', member: 'yes', stranger: 'yes', refusal: ONLY_MEMBERS },
  /** POST /groups/:id/leave (the last leader is kept by `breaksLastLeader`: CONFLICT). */
  'group.leave': members(ONLY_MEMBERS),
  /** GET /groups/:id/members. */
  'members.view': members(ONLY_MEMBERS),
  /** POST /groups/:id/invitations: leaders and admins; in community groups any member. */
  'member.invite': {
    leader_controlled: leadersAndAdmins('Only leaders and admins can invite to this group'),
    community: members('Only leaders and admins can invite to this group'),
  },
  /** DELETE /groups/:id/members/:userId: leaders anyone, admins plain members only. */
  'member.remove': {
    leader: 'yes',
    admin: 'plain',
    member: 'no',
    stranger: 'no',
    refusal: 'Only leader or admins can do that',
    refusalOnOthers: 'Admins may remove plain members only',
  },
  /** PATCH /groups/:id/members/:userId. */
  'member.changeRole': leaders('Only leaders can change roles'),
  /** GET /groups/:id/resources. */
  'resources.view': members(ONLY_MEMBERS),
  /** POST /groups/:id/resources. */
  'resource.add': ADD_RESOURCE,
  /** POST /groups/:id/uploads: whoever may add a resource may upload its bytes. */
  'resource.upload': ADD_RESOURCE,
  /** PATCH /resources/:id: leader_controlled leaders; community leaders, admins and the uploader. */
  'resource.edit': manageResource('You may not edit this resource'),
  /** DELETE /resources/:id: as editing. */
  'resource.delete': manageResource('You may not delete this resource'),
  /** GET /resources/:id/content(-url): uploaded bytes, like the group itself visible to anyone signed in when public. */
  'resource.content': { leader: 'yes', admin: 'yes', member: 'yes', stranger: 'yes', refusal: ONLY_MEMBERS },
  /** PUT /resources/:id/progress. */
  'progress.record': members(ONLY_MEMBERS),
  /** GET /resources/:id/progress and /progress/all. */
  'progress.view': members(ONLY_MEMBERS),
  /** GET /groups/:id/messages. */
  'chat.read': members(ONLY_MEMBERS),
  /** POST /groups/:id/messages, `chat:send`, `chat:typing`. */
  'chat.send': members(ONLY_MEMBERS),
  /** PATCH /messages/:id, `chat:edit`: the author only. */
  'chat.edit': { leader: 'own', admin: 'own', member: 'own', stranger: 'no', refusal: 'Only the author can edit a message' },
  /** DELETE /messages/:id, `chat:delete`: the author, a leader or an admin. */
  'chat.delete': { leader: 'yes', admin: 'yes', member: 'own', stranger: 'no', refusal: 'Only the author, a leader or an admin can delete a message' },
  /** GET /groups/:id/leaderboard. */
  'leaderboard.view': members(ONLY_MEMBERS),
  /** `room:join` / `room:leave`: who is here and their timers. */
  'presence.view': members(ONLY_MEMBERS),
  /** POST /timer/start and `timer:start` with a groupId: studying in the group's room. */
  'timer.start': members(ONLY_MEMBERS),
} satisfies Record<string, Row | TypedRow>;

export type Action = keyof typeof POLICY;
export const ACTIONS = Object.keys(POLICY) as Action[];

/** The caller's place in a group. */
export interface Standing {
  /** The caller's role; null when not a member. */
  role: Role | null;
  groupType: GroupType;
  visibility: Visibility;
}

/** What the action is done to, for `own` and `plain` cells. */
export interface Subject {
  /** The resource or message is the caller's own (uploader, author). */
  own?: boolean;
  /** The member acted on; null when there is no such member (nothing to protect: the use-case answers NOT_FOUND). */
  targetRole?: Role | null;
}

export type Refusal = { allowed: false; error: 'NOT_FOUND' | 'FORBIDDEN'; message: string };
export type Decision = { allowed: true } | Refusal;

const ALLOWED: Decision = { allowed: true };
const INVISIBLE: Refusal = { allowed: false, error: 'NOT_FOUND', message: 'Group not found' };

const isTyped = (rule: Row | TypedRow): rule is TypedRow => 'community' in rule;

/** The row of an action for a group type. */
export function rowOf(action: Action, groupType: GroupType): Row {
  const rule: Row | TypedRow = POLICY[action];
  return isTyped(rule) ? rule[groupType] : rule;
}

/**
 * The answer of the table. A subject-dependent cell without its subject fact is refused
 * (a caller that forgot to say whose message it is gets no right by accident).
 */
export function decide(action: Action, standing: Standing, subject: Subject = {}): Decision {
  const row = rowOf(action, standing.groupType);
  if (standing.role === null) {
    if (standing.visibility === 'private') return INVISIBLE;
    return row.stranger === 'yes' ? ALLOWED : { allowed: false, error: 'FORBIDDEN', message: ONLY_MEMBERS };
  }
  const cell = row[standing.role];
  const refuse = (message: string): Refusal => ({ allowed: false, error: 'FORBIDDEN', message });
  switch (cell) {
    case 'yes':
      return ALLOWED;
    case 'no':
      return refuse(row.refusal);
    case 'own':
      return subject.own === true ? ALLOWED : refuse(row.refusalOnOthers ?? row.refusal);
    case 'plain':
      return subject.targetRole === null || subject.targetRole === 'member' ? ALLOWED : refuse(row.refusalOnOthers ?? row.refusal);
  }
}

/** `decide` as a yes/no, for clients deciding what to show. */
export const can = (action: Action, standing: Standing, subject?: Subject): boolean => decide(action, standing, subject).allowed;

// ---------------------------------------------------------------- membership invariants

/**
 * Would this change take away the group's last leader while members remain? Counted
 * before the change. Only leaving can empty a group (then it is deactivated), so only
 * leaving needs the member count; removing or demoting someone leaves the caller in.
 */
export type LeaderChange =
  | { change: 'leave'; targetRole: Role; leaderCount: number; memberCount: number }
  | { change: 'remove' | 'demote'; targetRole: Role; leaderCount: number };

/** Is this role a leader's (the last-leader rule counts them)? */
export const isLeader = (role: Role | null): boolean => role === LEADER_ROLE;

export function breaksLastLeader(input: LeaderChange): boolean {
  if (!isLeader(input.targetRole) || input.leaderCount > 1) return false;
  // The very last member may leave: the group is then deactivated.
  if (input.change === 'leave' && input.memberCount <= 1) return false;
  return true;
}

export interface RemainingMember {
  userId: string;
  role: Role;
  joinedAt: Date;
}

/**
 * Who becomes leader when the only leader goes for good (account deleted) while others
 * remain: the longest-standing admin, else the longest-standing member (ties by user
 * id). Null when a leader remains or nobody does.
 */
export function successorLeader(remaining: RemainingMember[]): string | null {
  if (remaining.length === 0 || remaining.some((m) => isLeader(m.role))) return null;
  const rank = (m: RemainingMember): number => ROLES.indexOf(m.role);
  const [first] = [...remaining].sort((a, b) => rank(a) - rank(b) || a.joinedAt.getTime() - b.joinedAt.getTime() || a.userId.localeCompare(b.userId));
  return first?.userId ?? null;
}

/** Whether a member list shows the role next to a name (plain members carry none). */
export const showsRole = (role: string | null | undefined): boolean => role === 'leader' || role === 'admin';
