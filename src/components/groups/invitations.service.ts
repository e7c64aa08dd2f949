import type { Transaction } from 'sequelize';
import type { Actor, AppContext } from '../../context';
import { AppError, conflict, notFound } from '../../lib/errors';
import { enforce, limitsOf } from '../../lib/rate-limit';
import { notify } from '../notifications';
import { findActiveUser, findActiveUserByUsername } from '../users';
import { requireAccess } from './group-access';
import { toInvitationDto, type InvitationDto, type MemberDto } from './group.dto';
import { addMember, memberDto } from './groups.service';
import * as groups from './groups.repository';
import * as invitations from './invitations.repository';

/** Who to invite: by user id, or by exact username (issue 16); the contract lets exactly one through. */
export interface InvitationInput {
  invitedUserId?: string;
  username?: string;
  invitationMessage?: string | null;
  expiresInHours: number;
}

/**
 * Invites a user (who may: the policy's `member.invite`). A pending invitation still
 * valid is CONFLICT; one past its expiry is marked expired and replaced. Counted against
 * the inviter's and the invitee's hourly limits only when really sent.
 */
export async function createInvitation(ctx: AppContext, actor: Actor, input: InvitationInput & { groupId: number }): Promise<InvitationDto> {
  const { groupId } = input;
  return ctx.sequelize.transaction(async (tx) => {
    const { group } = await requireAccess(tx, groupId, actor.userId, 'member.invite');
    const invitee =
      input.invitedUserId !== undefined
        ? await findActiveUser(tx, input.invitedUserId)
        : input.username !== undefined
          ? await findActiveUserByUsername(tx, input.username)
          : null;
    if (!invitee) throw notFound('User');
    if (await groups.findMembership(tx, groupId, invitee.userId)) throw conflict('That user is already a member');
    const now = new Date();
    const pending = await invitations.lockPendingInvitation(tx, groupId, invitee.userId);
    if (pending) {
      if (pending.expiresAt > now) throw conflict('That user already has a pending invitation');
      await invitations.setStatus(tx, pending, 'expired');
    }
    // Counted only for invitations that would really be sent: per inviter, and per invitee
    // from anyone (a user cannot be flooded by many groups or many accounts).
    const limits = limitsOf(ctx.config);
    await enforce(ctx, 'invitations_inviter', actor.userId, limits.invitationsInviter, 'invitations sent in an hour');
    await enforce(ctx, 'invitations_invitee', invitee.userId, limits.invitationsInvitee, 'invitations to this user in an hour');
    const invitation = await invitations.insertInvitation(tx, {
      groupId,
      invitedUserId: invitee.userId,
      invitedBy: actor.userId,
      invitationMessage: input.invitationMessage ?? null,
      expiresAt: new Date(now.getTime() + input.expiresInHours * 3_600_000),
    });
    await notify(
      ctx,
      [
        {
          userId: invitee.userId,
          type: 'invitation_received',
          message: `${actor.username} invited you to ${group.groupName}`,
          data: { groupId, invitationId: invitation.id },
        },
      ],
      tx,
    );
    return toInvitationDto(invitation, group.groupName);
  });
}

export async function listMyInvitations(ctx: AppContext, actor: Actor): Promise<InvitationDto[]> {
  const rows = await invitations.pendingInvitationsOf(ctx.sequelize, actor.userId, new Date());
  return rows.map((r) => toInvitationDto(r, r.groupName));
}

/** The caller's own invitation, locked; anyone else's is NOT_FOUND. Answered → 409, expired → 410. */
async function loadAnswerable(tx: Transaction, invitationId: number, userId: string): Promise<invitations.InvitationRecord> {
  const invitation = await invitations.lockInvitationOf(tx, invitationId, userId);
  if (!invitation) throw notFound('Invitation');
  if (invitation.status === 'accepted' || invitation.status === 'declined') throw conflict(`The invitation was already ${invitation.status}`);
  if (invitation.status === 'expired' || invitation.expiresAt.getTime() <= Date.now()) throw new AppError('GONE', 'The invitation has expired');
  return invitation;
}

export async function acceptInvitation(ctx: AppContext, actor: Actor, input: { invitationId: number }): Promise<MemberDto> {
  return ctx.sequelize.transaction(async (tx) => {
    const invitation = await loadAnswerable(tx, input.invitationId, actor.userId);
    const group = await addMember(
      ctx,
      {
        groupId: invitation.groupId,
        userId: actor.userId,
        username: actor.username,
        idempotent: false,
        invitedBy: invitation.invitedBy ?? null,
        invitedAt: invitation.createdAt,
      },
      tx,
    );
    await invitations.setStatus(tx, invitation, 'accepted', new Date());
    if (invitation.invitedBy) {
      await notify(
        ctx,
        [
          {
            userId: invitation.invitedBy,
            type: 'invitation_accepted',
            message: `${actor.username} accepted your invitation to ${group.groupName}`,
            data: { groupId: group.id, invitationId: invitation.id, userId: actor.userId },
          },
        ],
        tx,
      );
    }
    return memberDto(tx, invitation.groupId, actor.userId);
  });
}

export async function declineInvitation(ctx: AppContext, actor: Actor, input: { invitationId: number }): Promise<InvitationDto> {
  return ctx.sequelize.transaction(async (tx) => {
    const invitation = await loadAnswerable(tx, input.invitationId, actor.userId);
    const declined = await invitations.setStatus(tx, invitation, 'declined', new Date());
    const group = await groups.findGroup(tx, invitation.groupId);
    return toInvitationDto(declined, group?.groupName ?? '');
  });
}

/** The maintenance job: records expiry of pending invitations past `expires_at` (they are expired either way). */
export async function expireInvitations(ctx: AppContext): Promise<{ expired: number }> {
  return { expired: await invitations.expireOverdue(ctx.sequelize) };
}
