import { type Db, within } from '../../db/access';
import { Group, Grouping, User } from '../../db/models';

/**
 * The people the demo sign-in offers: the first four users of `npm run seed` (their ids
 * are fixed by the seeders). All four are in "Calculus II Study Hall", so two browsers
 * signed in as two of them meet in one room.
 */
export const DEMO_USER_IDS = ['user_seed_001', 'user_seed_002', 'user_seed_003', 'user_seed_004'] as const;

export interface DemoUser {
  userId: string;
  username: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  groups: { id: number; groupName: string; role: string }[];
}

/** The demo users that exist (none before seeding), in id order, with their active groups. */
export async function findDemoUsers(db: Db): Promise<DemoUser[]> {
  const users = await User.findAll({
    where: { userId: [...DEMO_USER_IDS], deletedAt: null },
    attributes: ['userId', 'username', 'email', 'firstName', 'lastName'],
    include: [
      {
        model: Grouping,
        as: 'groupings',
        attributes: ['role', 'groupId'],
        required: false,
        include: [{ model: Group, as: 'group', attributes: ['id', 'groupName'], where: { isActive: true }, required: true }],
      },
    ],
    order: [
      ['userId', 'ASC'],
      [{ model: Grouping, as: 'groupings' }, 'groupId', 'ASC'],
    ],
    ...within(db),
  });
  return users.map((u) => ({
    userId: u.userId,
    username: u.username,
    email: u.email,
    firstName: u.firstName,
    lastName: u.lastName,
    groups: (u.groupings ?? []).flatMap((g) => (g.group ? [{ id: g.group.id, groupName: g.group.groupName, role: g.role }] : [])),
  }));
}
