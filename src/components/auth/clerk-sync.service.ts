import { Op, type Transaction } from 'sequelize';
import { User } from '../../db/models';
import type { AppContext } from '../../context';
import { AppError } from '../../lib/errors';
import { z } from '../../lib/validation';
import { removeUserFromAllGroups } from '../groups';
import { stopTimer } from '../timers';
import { baseUsername, erasedEmail, erasedUsername } from '../users/username.rules';
import { nameFromClaim, usableEmail, writeWithFreeUsername } from './auth.service';

const EmailAddress = z.object({ id: z.string(), email_address: z.string() });
export const ClerkUser = z.object({
  id: z.string().min(1).max(191),
  username: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  email_addresses: z.array(EmailAddress).default([]),
  primary_email_address_id: z.string().nullish(),
});
export const ClerkEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user.created'), data: ClerkUser }),
  z.object({ type: z.literal('user.updated'), data: ClerkUser }),
  z.object({ type: z.literal('user.deleted'), data: z.object({ id: z.string().min(1).max(191) }) }),
]);
export type ClerkEvent = z.infer<typeof ClerkEvent>;

type SyncLog = (fields: Record<string, unknown>, message: string) => void;

/**
 * user.created / user.updated. A deleted account is a tombstone: `user.updated` never
 * brings it back, and `user.created` only when it is newer than the deletion (`eventAt`
 * after `deleted_at`), so a late or replayed event cannot undo an erasure.
 */
async function upsertUser(
  event: Extract<ClerkEvent, { type: 'user.created' | 'user.updated' }>,
  eventAt: Date,
  transaction: Transaction,
  log: SyncLog,
): Promise<void> {
  const data = event.data;
  const primary = data.email_addresses.find((e) => e.id === data.primary_email_address_id)?.email_address ?? data.email_addresses[0]?.email_address;
  const email = usableEmail(primary);
  if (!email) throw new AppError('VALIDATION_FAILED', 'The user has no usable email address', [{ field: 'data.email_addresses', message: 'required' }]);
  const existing = await User.findByPk(data.id, { transaction, lock: transaction.LOCK.UPDATE });
  if (existing?.deletedAt) {
    const revives = event.type === 'user.created' && eventAt.getTime() > existing.deletedAt.getTime();
    if (!revives) {
      log({ userId: data.id, type: event.type, eventAt, deletedAt: existing.deletedAt }, 'event for a deleted user ignored (tombstone)');
      return;
    }
  }
  // The wanted name under the PATCH /me rules; the user's own current name stays theirs.
  const keep = existing && !existing.deletedAt ? existing.username : undefined;
  const base = baseUsername(data.username || keep, email);
  const profile = { email, firstName: nameFromClaim(data.first_name), lastName: nameFromClaim(data.last_name) };
  await writeWithFreeUsername(base, { exceptUserId: data.id, transaction }, (username, t) =>
    existing
      ? existing.update({ username, ...profile, deletedAt: null }, { transaction: t })
      : User.create({ userId: data.id, username, ...profile }, { transaction: t }),
  );
}

/**
 * user.deleted: the row stays (history keeps its foreign keys) but personal data goes,
 * under a username in the reserved `deleted_` namespace (a name nobody else may take;
 * an old row that still holds it is renamed first, so erasure can never be blocked).
 * The account leaves every group. `deleted_at` is the event's instant (the tombstone).
 * Returns what to do once the transaction has committed.
 */
async function eraseUser(ctx: AppContext, userId: string, eventAt: Date, transaction: Transaction): Promise<() => void> {
  const existing = await User.findByPk(userId, { transaction, lock: transaction.LOCK.UPDATE });
  const username = erasedUsername(userId);
  const squatter = await User.findOne({ where: { username, userId: { [Op.ne]: userId } }, transaction, lock: transaction.LOCK.UPDATE });
  if (squatter) {
    await writeWithFreeUsername(baseUsername(null, squatter.email), { exceptUserId: squatter.userId, transaction }, (name, t) =>
      squatter.update({ username: name }, { transaction: t }),
    );
  }
  const erased = { username, email: erasedEmail(userId), firstName: null, lastName: null, preferences: {} };
  if (!existing) {
    // Deleted before it was ever synced: keep the tombstone so an older user.created cannot create it.
    await User.create({ userId, ...erased, deletedAt: eventAt }, { transaction });
    return () => undefined;
  }
  const deletedAt = existing.deletedAt && existing.deletedAt > eventAt ? existing.deletedAt : eventAt;
  await existing.update({ ...erased, deletedAt }, { transaction });
  const announce = await removeUserFromAllGroups(ctx, { userId }, transaction);
  return () => {
    announce();
    ctx.broadcast.disconnectUser(userId);
    // A running timer stops at the deletion (its session stays in the history, as the others do).
    stopTimer(ctx, { userId }).catch((error: unknown) => ctx.logger.warn({ err: error, userId }, 'could not stop the timer of a deleted user'));
  };
}

/** Applies one verified Clerk event inside the caller's transaction; `afterCommit` work is registered on it. */
export async function applyClerkEvent(ctx: AppContext, event: ClerkEvent, eventAt: Date, transaction: Transaction): Promise<void> {
  const log = ctx.logger.child({ component: 'clerk-webhook' });
  if (event.type === 'user.deleted') {
    const after = await eraseUser(ctx, event.data.id, eventAt, transaction);
    transaction.afterCommit(after);
  } else {
    await upsertUser(event, eventAt, transaction, (fields, message) => log.info(fields, message));
  }
}
