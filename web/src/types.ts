/**
 * Wire shapes from /work/shared/spec/API.md. The socket events are the server's own
 * contract (src/realtime/events.ts), imported as types only so the two cannot drift.
 */
import type { Role } from '../../src/shared/policy';

export type {
  ClientToServerEvents,
  MessageDto as Message,
  NotificationDto as Notification,
  RoomMemberState,
  RoomState,
  ServerToClientEvents,
  SessionDto as Session,
  TimerDto as Timer,
} from '../../src/realtime/events';

export interface User {
  userId: string;
  username: string;
  email?: string;
  firstName: string | null;
  lastName: string | null;
  totalStudyTime: number;
  preferences?: Record<string, unknown>;
  currentStreak: number;
  longestStreak: number;
}

/** Member roles: the permission policy's (src/shared/policy.ts). */
export type { Role };

export interface Group {
  id: number;
  creatorId: string;
  groupName: string;
  description: string | null;
  image: string | null;
  groupType: 'leader_controlled' | 'community';
  visibility: 'public' | 'private';
  maxMembers: number | null;
  isActive: boolean;
  memberCount: number;
  myRole: Role | null;
  inviteCode?: string | null;
}

export interface Member {
  userId: string;
  username: string;
  role: Role;
  joinedAt: string;
  isConnected: boolean;
  lastSeen: string | null;
}

export interface Invitation {
  id: number;
  groupId: number;
  groupName: string;
  invitedUserId: string;
  invitedBy: string;
  status: string;
  invitationMessage: string | null;
  expiresAt: string;
}

export type ResourceType = 'image' | 'video' | 'file' | 'folder' | 'link';
export type ProgressStatus = 'not_started' | 'in_progress' | 'completed' | 'paused';

export interface Progress {
  resourceId: number;
  userId: string;
  status: ProgressStatus;
  progressPercentage: number;
  notes: string | null;
}

export interface Resource {
  id: number;
  groupId: number;
  title: string;
  url: string | null;
  resourceType: ResourceType;
  description: string | null;
  parentFolderId: number | null;
  fileSize: number | null;
  /** Uploaded content only: the stored media type (then `url` is `/api/resources/:id/content`). */
  contentType: string | null;
  uploadedBy: string;
  myProgress: Progress | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | number | null;
}

export interface Leaderboard {
  period: string;
  from: string | null;
  to: string;
  entries: { rank: number; userId: string; username: string; totalSeconds: number; currentStreak: number }[];
  me: { rank: number; totalSeconds: number } | null;
}

export interface Stats {
  timezone: string;
  todaySeconds: number;
  periodSeconds: number;
  daily: { date: string; seconds: number }[];
  currentStreak: number;
  longestStreak: number;
}
