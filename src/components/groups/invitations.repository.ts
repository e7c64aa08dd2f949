import type { CreationAttributes, InferAttributes, Transaction } from 'sequelize';
import { Op } from 'sequelize';
import { type Db, locking, plain, select, within } from '../../db/access';
import { Group, GroupInvitation } from '../../db/models';

/** The only data access of invitations (`group_invitations`). Returns plain objects. */

export type InvitationRecord = InferAttributes<GroupInvitation>;

/** The pending invitation of `invitedUserId` to the group (expired or not), locked. */
export async function lockPendingInvitation(tx: Transaction, groupId: number, invitedUserId: string): Promise<InvitationRecord | null> {
  return plain<InvitationRecord>(await GroupInvitation.findOne({ where: { groupId, invitedUserId, status: 'pending' }, ...locking(tx) }));
}

/** `id` if it is an invitation to `invitedUserId` (anyone else's reads as absent), locked. */
export async function lockInvitationOf(tx: Transaction, id: number, invitedUserId: string): Promise<InvitationRecord | null> {
  return plain<InvitationRecord>(await GroupInvitation.findOne({ where: { id, invitedUserId }, ...locking(tx) }));
}

export async function insertInvitation(
  db: Db,
  values: Pick<CreationAttributes<GroupInvitation>, 'groupId' | 'invitedUserId' | 'invitedBy' | 'invitationMessage' | 'expiresAt'>,
): Promise<InvitationRecord> {
  const created = await GroupInvitation.create(values, within(db));
  return created.get({ plain: true }) as InvitationRecord;
}

/** Records an answer or an expiry; returns the invitation as it now stands. */
export async function setStatus(
  db: Db,
  invitation: InvitationRecord,
  status: 'accepted' | 'declined' | 'expired',
  respondedAt?: Date,
): Promise<InvitationRecord> {
  const changes = respondedAt ? { status, respondedAt } : { status };
  await GroupInvitation.update(changes, { where: { id: invitation.id }, ...within(db) });
  return { ...invitation, ...changes };
}

/** `userId`'s pending, unexpired invitations to active groups, newest first, with the group's name. */
export async function pendingInvitationsOf(db: Db, userId: string, now: Date): Promise<Array<InvitationRecord & { groupName: string }>> {
  const rows = await GroupInvitation.findAll({
    where: { invitedUserId: userId, status: 'pending', expiresAt: { [Op.gt]: now } },
    include: [{ model: Group, as: 'group', where: { isActive: true }, attributes: ['groupName'] }],
    order: [
      ['createdAt', 'DESC'],
      ['id', 'DESC'],
    ],
    ...within(db),
  });
  // The include is an inner join (`where`): every row has its group.
  return rows.flatMap((r) => {
    const { group, ...invitation } = r.get({ plain: true }) as InvitationRecord & { group?: { groupName: string } };
    return group ? [{ ...invitation, groupName: group.groupName }] : [];
  });
}

/** Writes `expired` on every pending invitation past `expires_at`; how many. */
export async function expireOverdue(db: Db): Promise<number> {
  const rows = await select(db, `UPDATE group_invitations SET status = 'expired' WHERE status = 'pending' AND expires_at <= now() RETURNING id`);
  return rows.length;
}
