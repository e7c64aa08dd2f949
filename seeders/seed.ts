/**
 * Demo data through the Sequelize models: users, groups and memberships, eight weeks of
 * study sessions, streaks, folders of resources, progress, chat, invitations and
 * notifications.
 *
 * Deterministic (seeded PRNG, dates relative to the start of today UTC) and idempotent:
 * every row has a stable key (user id, invite code, folder path, session UUID, client
 * message id, …) and is inserted only when missing, so a second run changes nothing.
 * Cached values (users.total_study_time, streaks) are recomputed from the sessions.
 */
import { Op, QueryTypes, type CreationAttributes, type Sequelize, type Transaction } from 'sequelize';
import {
  Group,
  GroupInvitation,
  Grouping,
  Message,
  Notification,
  Resource,
  ResourceProgress,
  Streak,
  StudySession,
  User,
  type NotificationType,
  type ProgressStatus,
} from '../src/db/models';
import { computeStreak, localDate } from '../src/components/streaks/streak.rules';
import type { Logger } from '../src/lib/logger';
import {
  ANSWERED_INVITATIONS,
  FIRST_NAMES,
  GROUPS,
  INVITATIONS,
  LAST_NAMES,
  TIMEZONES,
  TZ_OFFSET_HOURS,
  USER_COUNT,
  seedUserId,
  type SeedGroup,
  type SeedResource,
} from './seed-data';
import { createRandom, seedOf, stableInviteCode, stableUuid } from './seed-random';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Sessions cover the eight weeks before today (today itself is left to live timers). */
const SESSION_DAYS = 56;

export interface SeedSummary {
  users: number;
  groups: number;
  memberships: number;
  sessions: number;
  resources: number;
  progress: number;
  messages: number;
  invitations: number;
  notifications: number;
  streaks: number;
}

interface SeedUser {
  n: number;
  userId: string;
  timezone: (typeof TIMEZONES)[number];
}

/** Start of the current UTC day: every seeded instant is relative to it. */
const startOfTodayUtc = (now: Date): number => Math.floor(now.getTime() / DAY_MS) * DAY_MS;

function buildUsers(anchor: number): Array<SeedUser & { row: CreationAttributes<User> & { username: string } }> {
  const rnd = createRandom(seedOf('users'));
  const users: Array<SeedUser & { row: CreationAttributes<User> & { username: string } }> = [];
  for (let n = 1; n <= USER_COUNT; n += 1) {
    const firstName = FIRST_NAMES[n - 1]!;
    const lastName = LAST_NAMES[(n * 7) % LAST_NAMES.length]!;
    const ascii = (s: string): string =>
      s
        .normalize('NFD')
        .replace(/[^A-Za-z]/g, '')
        .toLowerCase();
    const style = n % 3;
    const username =
      style === 0
        ? `${ascii(firstName)}.${ascii(lastName)}`
        : style === 1
          ? `${ascii(firstName)}_${ascii(lastName).slice(0, 3)}${n}`
          : `${ascii(firstName)}${ascii(lastName)}`;
    const timezone = TIMEZONES[n % TIMEZONES.length]!;
    const createdAt = new Date(anchor - (SESSION_DAYS + rnd.int(5, 40)) * DAY_MS + rnd.int(0, 23) * HOUR_MS);
    users.push({
      n,
      userId: seedUserId(n),
      timezone,
      row: {
        userId: seedUserId(n),
        username,
        email: `${ascii(firstName)}.${ascii(lastName)}${n}@studysync.example`,
        firstName,
        lastName,
        preferences: { timezone, theme: rnd.pick(['light', 'dark', 'system']), dailyGoalMinutes: rnd.pick([30, 60, 90, 120]) },
        createdAt,
        updatedAt: createdAt,
      },
    });
  }
  return users;
}

/** Finds or creates each resource of a tree; returns the created/found non-folder ids. */
async function seedResourceTree(
  groupId: number,
  uploaders: string[],
  items: SeedResource[],
  parentFolderId: number | null,
  path: string,
  createdAt: Date,
  t: Transaction,
): Promise<number[]> {
  const rnd = createRandom(seedOf(`resources:${path}`));
  const leaves: number[] = [];
  for (const item of items) {
    const where = { groupId, title: item.title, parentFolderId, isDeleted: false };
    let row = await Resource.findOne({ where, transaction: t });
    row ??= await Resource.create(
      {
        ...where,
        uploadedBy: rnd.pick(uploaders),
        resourceType: item.resourceType,
        url: item.url ?? null,
        description: item.description ?? null,
        fileSize: item.fileSize ?? null,
        createdAt,
        updatedAt: createdAt,
      },
      { transaction: t, silent: true },
    );
    if (item.resourceType === 'folder') {
      leaves.push(...(await seedResourceTree(groupId, uploaders, item.children ?? [], row.id, `${path}/${item.title}`, createdAt, t)));
    } else {
      leaves.push(row.id);
    }
  }
  return leaves;
}

function memberIds(g: SeedGroup): string[] {
  return [...g.leaders, ...g.admins, ...g.members].map(seedUserId);
}

export async function runSeed(sequelize: Sequelize, logger: Logger, now = new Date()): Promise<SeedSummary> {
  const anchor = startOfTodayUtc(now);
  const users = buildUsers(anchor);
  const tzOf = new Map(users.map((u) => [u.userId, u.timezone]));
  const usernameOf = new Map(users.map((u) => [u.userId, u.row.username]));

  await sequelize.transaction(async (t) => {
    // Users: existing ones (same id) are left as they are.
    await User.bulkCreate(
      users.map((u) => u.row),
      { ignoreDuplicates: true, transaction: t },
    );

    for (const g of GROUPS) {
      const rnd = createRandom(seedOf(`group:${g.key}`));
      const inviteCode = stableInviteCode(g.key);
      const createdAt = new Date(anchor - (SESSION_DAYS + rnd.int(1, 4)) * DAY_MS);
      const creatorId = seedUserId(g.leaders[0]!);
      let group = await Group.findOne({ where: { inviteCode }, transaction: t });
      group ??= await Group.create(
        {
          creatorId,
          groupName: g.groupName,
          description: g.description,
          groupType: g.groupType,
          visibility: g.visibility,
          maxMembers: g.maxMembers,
          inviteCode,
          createdAt,
          updatedAt: createdAt,
        },
        { transaction: t, silent: true },
      );

      const roleOf = (n: number): 'leader' | 'admin' | 'member' => (g.leaders.includes(n) ? 'leader' : g.admins.includes(n) ? 'admin' : 'member');
      await Grouping.bulkCreate(
        [...g.leaders, ...g.admins, ...g.members].map((n, i) => ({
          userId: seedUserId(n),
          groupId: group.id,
          role: roleOf(n),
          invitationStatus: i === 0 ? null : rnd.chance(0.3) ? ('accepted' as const) : null,
          joinedAt: new Date(createdAt.getTime() + i * rnd.int(2, 30) * HOUR_MS),
          lastSeen: new Date(anchor - rnd.int(0, 6) * DAY_MS - rnd.int(0, 20) * HOUR_MS),
        })),
        { ignoreDuplicates: true, transaction: t },
      );

      const uploaders = g.groupType === 'community' ? memberIds(g) : [...g.leaders].map(seedUserId);
      const leaves = await seedResourceTree(group.id, uploaders, g.resources, null, g.key, new Date(createdAt.getTime() + DAY_MS), t);

      // Progress: each member has touched some resources.
      const progress = [];
      for (const userId of memberIds(g)) {
        for (const resourceId of leaves) {
          const roll = rnd.next();
          if (roll < 0.35) continue;
          const startedAt = new Date(anchor - rnd.int(3, 40) * DAY_MS + rnd.int(8, 20) * HOUR_MS);
          const status: ProgressStatus = roll < 0.55 ? 'in_progress' : roll < 0.65 ? 'paused' : 'completed';
          const completedAt = status === 'completed' ? new Date(startedAt.getTime() + rnd.int(1, 5) * DAY_MS) : null;
          progress.push({
            userId,
            resourceId,
            status,
            progressPercentage: status === 'completed' ? 100 : rnd.int(5, 95),
            notes: rnd.chance(0.2) ? rnd.pick(['Rewatch the second half', 'Great summary', 'Do the exercises again', 'Key for the exam']) : null,
            startedAt,
            completedAt,
            lastUpdated: completedAt ?? new Date(startedAt.getTime() + rnd.int(1, 48) * HOUR_MS),
            createdAt: startedAt,
          });
        }
      }
      await ResourceProgress.bulkCreate(progress, { ignoreDuplicates: true, transaction: t });

      // Chat: the group's lines, spread over the last two weeks, in order.
      const members = memberIds(g);
      let at = anchor - 14 * DAY_MS + rnd.int(8, 12) * HOUR_MS;
      const messages = g.chat.map((content, i) => {
        at += rnd.int(1, Math.max(2, Math.floor((13 * 24) / g.chat.length))) * HOUR_MS + rnd.int(0, 59) * 60_000;
        const when = new Date(Math.min(at, anchor - HOUR_MS));
        return {
          userId: i === 0 ? creatorId : rnd.pick(members),
          groupId: group.id,
          content,
          messageType: 'text' as const,
          clientMessageId: `seed:${g.key}:${i + 1}`,
          createdAt: when,
          updatedAt: when,
        };
      });
      await Message.bulkCreate(messages, { ignoreDuplicates: true, transaction: t });
      // The second message replies to the first (stable, so a rerun sets the same value).
      const [first, second] = await Promise.all(
        [messages[0], messages[1]].map((m) =>
          m ? Message.findOne({ where: { userId: m.userId, clientMessageId: m.clientMessageId }, transaction: t }) : null,
        ),
      );
      if (first && second && second.replyToId !== first.id) await second.update({ replyToId: first.id }, { transaction: t, silent: true });
    }
  });

  // Sessions: eight weeks, per user, in waking hours of their timezone.
  const groupIds = new Map<string, number>();
  for (const g of GROUPS) {
    const group = await Group.findOne({ where: { inviteCode: stableInviteCode(g.key) }, attributes: ['id'] });
    groupIds.set(g.key, group!.id);
  }
  const groupsOf = new Map<string, number[]>();
  for (const g of GROUPS) for (const userId of memberIds(g)) groupsOf.set(userId, [...(groupsOf.get(userId) ?? []), groupIds.get(g.key)!]);

  const sessions: Array<CreationAttributes<StudySession>> = [];
  for (const u of users) {
    const rnd = createRandom(seedOf(`sessions:${u.userId}`));
    const diligence = 0.25 + rnd.next() * 0.7;
    const myGroups = groupsOf.get(u.userId) ?? [];
    for (let daysAgo = SESSION_DAYS; daysAgo >= 1; daysAgo -= 1) {
      // Keep the stream aligned per day whether or not a session is drawn.
      const dayRnd = createRandom(seedOf(`sessions:${u.userId}:${daysAgo}`));
      // Recent days are a bit busier (exam season), so some streaks are alive.
      if (!dayRnd.chance(Math.min(0.97, diligence + (daysAgo <= 10 ? 0.15 : 0)))) continue;
      const count = dayRnd.int(1, 3);
      let localHour = dayRnd.int(7, 10);
      for (let k = 0; k < count; k += 1) {
        const minutes = dayRnd.int(15, 110);
        const startedAt = new Date(anchor - daysAgo * DAY_MS + (localHour - TZ_OFFSET_HOURS[u.timezone]) * HOUR_MS + dayRnd.int(0, 50) * 60_000);
        const durationSeconds = minutes * 60 + dayRnd.int(0, 59);
        const endedAt = new Date(startedAt.getTime() + durationSeconds * 1000);
        localHour += Math.ceil(minutes / 60) + dayRnd.int(1, 4);
        sessions.push({
          sessionUuid: stableUuid(`session:${u.userId}:${daysAgo}:${k}`),
          userId: u.userId,
          groupId: myGroups.length > 0 && !dayRnd.chance(0.25) ? dayRnd.pick(myGroups) : null,
          durationSeconds,
          sessionDate: startedAt,
          startedAt,
          endedAt,
          sessionNotes: dayRnd.chance(0.15) ? dayRnd.pick(['Flashcards', 'Practice exam', 'Reading', 'Problem set', 'Lecture review']) : null,
          createdAt: endedAt,
        });
      }
    }
  }
  const seedIds = users.map((u) => u.userId);
  await sequelize.transaction(async (t) => {
    for (let i = 0; i < sessions.length; i += 1000) {
      // ON CONFLICT DO NOTHING: a session UUID is stored once, however often we run.
      await StudySession.bulkCreate(sessions.slice(i, i + 1000), { ignoreDuplicates: true, transaction: t });
    }
    // Cached totals follow the stored sessions (raw SQL sets updated_at itself).
    await sequelize.query(
      `UPDATE users u SET total_study_time = s.total, updated_at = now()
         FROM (SELECT u2.user_id, COALESCE(SUM(ss.duration_seconds), 0)::int AS total
                 FROM users u2 LEFT JOIN study_sessions ss ON ss.user_id = u2.user_id
                WHERE u2.user_id IN (:ids) GROUP BY u2.user_id) s
        WHERE u.user_id = s.user_id AND u.total_study_time IS DISTINCT FROM s.total`,
      { replacements: { ids: seedIds }, transaction: t },
    );

    // Streaks from the local days of every stored session of each seeded user.
    const rows = await sequelize.query<{ user_id: string; started_at: Date }>('SELECT user_id, started_at FROM study_sessions WHERE user_id IN (:ids)', {
      replacements: { ids: seedIds },
      type: QueryTypes.SELECT,
      transaction: t,
    });
    const days = new Map<string, string[]>();
    for (const r of rows) days.set(r.user_id, [...(days.get(r.user_id) ?? []), localDate(new Date(r.started_at), tzOf.get(r.user_id) ?? 'UTC')]);
    for (const userId of seedIds) {
      // The product's own rule (the today argument only affects `current`, not stored).
      const { current: _current, ...streak } = computeStreak(days.get(userId) ?? [], localDate(new Date(now), 'UTC'));
      const existing = await Streak.findOne({ where: { userId }, transaction: t });
      if (!existing) await Streak.create({ userId, ...streak }, { transaction: t });
      else if (
        existing.lastActiveDate !== streak.lastActiveDate ||
        existing.currentStreak !== streak.currentStreak ||
        existing.longestStreak !== streak.longestStreak
      ) {
        await existing.update(streak, { transaction: t });
      }
    }

    // Invitations (one open invitation per user and group, and answered history).
    for (const [i, [key, invited, inviter, message]] of INVITATIONS.entries()) {
      const where = { groupId: groupIds.get(key)!, invitedUserId: seedUserId(invited) };
      if (await GroupInvitation.findOne({ where, transaction: t })) continue;
      // Yesterday, a couple of hours apart (not all at the instant the seed ran).
      const sentAt = new Date(anchor - DAY_MS + (9 + 2 * i) * HOUR_MS + 17 * i * 60_000);
      const invitation = await GroupInvitation.create(
        {
          ...where,
          invitedBy: seedUserId(inviter),
          invitationMessage: message,
          expiresAt: new Date(anchor + 7 * DAY_MS),
          createdAt: sentAt,
        },
        { transaction: t },
      );
      const g = GROUPS.find((x) => x.key === key)!;
      await seedNotification(
        seedUserId(invited),
        'invitation_received',
        `You were invited to join ${g.groupName}`,
        { groupId: where.groupId, invitationId: invitation.id },
        t,
        { createdAt: sentAt },
      );
    }
    for (const [key, invited, inviter, status] of ANSWERED_INVITATIONS) {
      const where = { groupId: groupIds.get(key)!, invitedUserId: seedUserId(invited) };
      if (await GroupInvitation.findOne({ where, transaction: t })) continue;
      const createdAt = new Date(anchor - 20 * DAY_MS);
      const invitation = await GroupInvitation.create(
        {
          ...where,
          invitedBy: seedUserId(inviter),
          status,
          expiresAt: new Date(createdAt.getTime() + 7 * DAY_MS),
          createdAt,
          respondedAt: new Date(createdAt.getTime() + DAY_MS),
        },
        { transaction: t },
      );
      if (status === 'accepted') {
        const g = GROUPS.find((x) => x.key === key)!;
        await seedNotification(
          seedUserId(inviter),
          'invitation_accepted',
          `${usernameOf.get(seedUserId(invited))} accepted your invitation to ${g.groupName}`,
          { groupId: where.groupId, invitationId: invitation.id },
          t,
          { createdAt: invitation.respondedAt ?? createdAt },
        );
      }
    }

    // A few more notifications so every kind shows up in the demo.
    // Each at the moment of what it tells (the membership's joinedAt, the message's createdAt).
    for (const g of GROUPS) {
      const groupId = groupIds.get(g.key)!;
      const leader = seedUserId(g.leaders[0]!);
      const lastMember = seedUserId(g.members[g.members.length - 1]!);
      const joinedAt = async (userId: string): Promise<Date | undefined> =>
        (await Grouping.findOne({ where: { groupId, userId }, attributes: ['joinedAt'], transaction: t }))?.joinedAt;
      await seedNotification(leader, 'member_joined', `A new member joined ${g.groupName}`, { groupId, userId: lastMember }, t, {
        isRead: true,
        createdAt: await joinedAt(lastMember),
      });
      if (g.admins[0] !== undefined) {
        const admin = seedUserId(g.admins[0]);
        await seedNotification(admin, 'role_changed', `You are now an admin of ${g.groupName}`, { groupId, role: 'admin' }, t, {
          isRead: true,
          createdAt: await joinedAt(admin),
        });
      }
      const mention = await Message.findOne({ where: { groupId, clientMessageId: { [Op.like]: 'seed:%' } }, order: [['id', 'DESC']], transaction: t });
      if (mention && mention.userId !== leader) {
        await seedNotification(leader, 'mention', `You were mentioned in ${g.groupName}`, { groupId, messageId: mention.id }, t, {
          createdAt: mention.createdAt,
        });
      }
    }
  });

  const summary = await countRows(sequelize);
  logger.info(summary, 'seed complete');
  return summary;
}

/** Inserts a notification unless the same one (user, type, message) already exists. */
async function seedNotification(
  userId: string,
  notificationType: NotificationType,
  notificationMessage: string,
  data: Record<string, unknown>,
  t: Transaction,
  { isRead = false, createdAt }: { isRead?: boolean; createdAt?: Date } = {},
): Promise<void> {
  const where = { userId, notificationType, notificationMessage };
  if (await Notification.findOne({ where, attributes: ['id'], transaction: t })) return;
  await Notification.create({ ...where, data, isRead, ...(createdAt ? { createdAt } : {}) }, { transaction: t });
}

export async function countRows(sequelize: Sequelize): Promise<SeedSummary> {
  const [row] = await sequelize.query<Record<keyof SeedSummary, string>>(
    `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM groups) AS groups,
            (SELECT count(*) FROM groupings) AS memberships, (SELECT count(*) FROM study_sessions) AS sessions,
            (SELECT count(*) FROM resources) AS resources, (SELECT count(*) FROM resource_progress) AS progress,
            (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM group_invitations) AS invitations,
            (SELECT count(*) FROM notifications) AS notifications, (SELECT count(*) FROM streaks) AS streaks`,
    { type: QueryTypes.SELECT },
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)])) as unknown as SeedSummary;
}
