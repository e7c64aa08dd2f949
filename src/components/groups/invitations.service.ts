import { Op, type Transaction } from 'sequelize';
import { Group, GroupInvitation, Grouping, User } from '../../db/models';
import type { AppContext } from '../../context';
import { AppError, conflict, forbidden, notFound } from '../../lib/errors';
import { enforce, limitsOf } from '../../lib/rate-limit';
import { notify } from '../notifications/notify';
import { requireMember } from './group-access';
import { toInvitationDto, type InvitationDto, type MemberDto } from './group.dto';
import { addMemberLocked, memberDto } from './groups.service';
import { canInvite } from './membership.rules';

export interface InvitationInput {
  invitedUserId: string;
  invitationMessage?: string | null;
  expiresInHours: number;
}

export async function createInvitation(
  ctx: AppContext,
  groupId: number,
  inviter: { userId: string; username: string },
  input: InvitationInput,
): Promise<InvitationDto> {
  return ctx.sequelize.transaction(async (transaction) => {
    const { group, role } = await requireMember(groupId, inviter.userId, transaction);
    if (!canInvite(role, group.groupType)) throw forbidden('Only leaders and admins can invite to this group');
    const invitee = await User.findByPk(input.invitedUserId, { transaction });
    if (!invitee || invitee.deletedAt) throw notFound('User');
    if (await Grouping.findOne({ where: { groupId, userId: invitee.userId }, transaction })) throw conflict('That user is already a member');
    const now = new Date();
    const pending = await GroupInvitation.findOne({
      where: { groupId, invitedUserId: invitee.userId, status: 'pending' },
      transaction,
      lock: transaction.LOCK.UPDATE,
    });
    if (pending) {
      if (pending.expiresAt > now) throw conflict('That user already has a pending invitation');
      await pending.update({ status: 'expired' }, { transaction });
    }
    // Counted only for invitations that would really be sent: per inviter, and per invitee
    // from anyone (a user cannot be flooded by many groups or many accounts).
    const limits = limitsOf(ctx.config);
    await enforce(ctx, 'invitations_inviter', inviter.userId, limits.invitationsInviter, 'invitations sent in an hour');
    await enforce(ctx, 'invitations_invitee', invitee.userId, limits.invitationsInvitee, 'invitations to this user in an hour');
    const invitation = await GroupInvitation.create(
      {
        groupId,
        invitedUserId: invitee.userId,
        invitedBy: inviter.userId,
        invitationMessage: input.invitationMessage ?? null,
        expiresAt: new Date(now.getTime() + input.expiresInHours * 3_600_000),
      },
      { transaction },
    );
    await notify(
      ctx,
      [
        {
          userId: invitee.userId,
          type: 'invitation_received',
          message: `${inviter.username} invited you to ${group.groupName}`,
          data: { groupId, invitationId: invitation.id },
        },
      ],
      transaction,
    );
    return toInvitationDto(invitation, group.groupName);
  });
}

export async function listMyInvitations(userId: string): Promise<InvitationDto[]> {
  const rows = await GroupInvitation.findAll({
    where: { invitedUserId: userId, status: 'pending', expiresAt: { [Op.gt]: new Date() } },
    include: [{ model: Group, as: 'group', where: { isActive: true }, attributes: ['groupName'] }],
    order: [
      ['createdAt', 'DESC'],
      ['id', 'DESC'],
    ],
  });
  // The include is an inner join (`where`): every row has its group.
  return rows.flatMap((r) => (r.group ? [toInvitationDto(r, r.group.groupName)] : []));
}

/** The caller's own invitation, locked; anyone else's is NOT_FOUND. Answered → 409, expired → 410. */
async function loadAnswerable(id: number, userId: string, transaction: Transaction): Promise<GroupInvitation> {
  const invitation = await GroupInvitation.findOne({ where: { id, invitedUserId: userId }, transaction, lock: transaction.LOCK.UPDATE });
  if (!invitation) throw notFound('Invitation');
  if (invitation.status === 'accepted' || invitation.status === 'declined') throw conflict(`The invitation was already ${invitation.status}`);
  if (invitation.status === 'expired' || invitation.expiresAt.getTime() <= Date.now()) throw new AppError('GONE', 'The invitation has expired');
  return invitation;
}

export async function acceptInvitation(ctx: AppContext, id: number, user: { userId: string; username: string }): Promise<MemberDto> {
  return ctx.sequelize.transaction(async (transaction) => {
    const invitation = await loadAnswerable(id, user.userId, transaction);
    const group = await addMemberLocked(ctx, transaction, invitation.groupId, user.userId, {
      username: user.username,
      idempotent: false,
      invitedBy: invitation.invitedBy ?? null,
      invitedAt: invitation.createdAt,
    });
    await invitation.update({ status: 'accepted', respondedAt: new Date() }, { transaction });
    if (invitation.invitedBy) {
      await notify(
        ctx,
        [
          {
            userId: invitation.invitedBy,
            type: 'invitation_accepted',
            message: `${user.username} accepted your invitation to ${group.groupName}`,
            data: { groupId: group.id, invitationId: invitation.id, userId: user.userId },
          },
        ],
        transaction,
      );
    }
    return memberDto(ctx, invitation.groupId, user.userId, transaction);
  });
}

export async function declineInvitation(ctx: AppContext, id: number, userId: string): Promise<InvitationDto> {
  return ctx.sequelize.transaction(async (transaction) => {
    const invitation = await loadAnswerable(id, userId, transaction);
    await invitation.update({ status: 'declined', respondedAt: new Date() }, { transaction });
    const group = await Group.findByPk(invitation.groupId, { attributes: ['groupName'], transaction });
    return toInvitationDto(invitation, group?.groupName ?? '');
  });
}
