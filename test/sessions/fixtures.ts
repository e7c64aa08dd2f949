import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { Group, Grouping, User } from '../../src/db/models';
import type { AppContext } from '../../src/context';
import type { PersistSessionJob } from '../../src/lib/queues';
import { newUser } from '../helpers/tokens';

/** Users, groups and sessions written straight to PostgreSQL (group routes are not ours). */
export async function makeUser(name = 'user', timezone?: string): Promise<User> {
  const u = newUser(name);
  return User.create({ userId: u.userId, username: u.username, email: u.email, preferences: timezone ? { timezone } : {} });
}

export async function makeGroup(creator: User, visibility: 'public' | 'private' = 'private', members: User[] = []): Promise<Group> {
  const group = await Group.create({ creatorId: creator.userId, groupName: `g-${Math.random().toString(36).slice(2, 8)}`, groupType: 'community', visibility });
  await Grouping.create({ userId: creator.userId, groupId: group.id, role: 'leader' });
  for (const m of members) await Grouping.create({ userId: m.userId, groupId: group.id, role: 'member' });
  return group;
}

export function sessionJob(userId: string, startedAt: string | Date, durationSeconds: number, groupId: number | null = null): PersistSessionJob {
  const start = new Date(startedAt);
  return {
    sessionUuid: randomUUID(),
    userId,
    groupId,
    startedAt: start.toISOString(),
    endedAt: new Date(start.getTime() + durationSeconds * 1000).toISOString(),
    durationSeconds,
    notes: null,
  };
}

/** A history row inserted directly (bypassing the worker). */
export async function insertSession(
  ctx: AppContext,
  userId: string,
  startedAt: string | Date,
  durationSeconds: number,
  groupId: number | null = null,
): Promise<number> {
  const j = sessionJob(userId, startedAt, durationSeconds, groupId);
  const [row] = await ctx.sequelize.query<{ id: number }>(
    `INSERT INTO study_sessions (session_uuid, user_id, group_id, duration_seconds, session_date, started_at, ended_at)
     VALUES (:uuid, :userId, :groupId, :d, :s, :s, :e) RETURNING id`,
    { replacements: { uuid: j.sessionUuid, userId, groupId, d: durationSeconds, s: new Date(j.startedAt), e: new Date(j.endedAt) }, type: QueryTypes.SELECT },
  );
  return row!.id;
}

export async function countRows(ctx: AppContext, where = 'TRUE', replacements: Record<string, unknown> = {}): Promise<number> {
  const [row] = await ctx.sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM study_sessions WHERE ${where}`, { replacements, type: QueryTypes.SELECT });
  return Number(row!.n);
}
