import type { Transaction } from 'sequelize';
import type { AppContext } from '../../context';
import { AppError } from '../../lib/errors';
import { parseInput, z } from '../../lib/validation';
import { removeUserFromAllGroups } from '../groups';
import { stopTimer } from '../timers';
import { baseUsername, erasedEmail, erasedUsername, forgetUser, insertUser, lockUser, lockUsernameHolder, updateUser, writeWithFreeUsername } from '../users';
import { nameFromClaim, usableEmail } from './auth.service';
import { recordDelivery } from './auth.repository';

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
  const existing = await lockUser(transaction, data.id);
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
  await writeWithFreeUsername(transaction, base, data.id, (username, t) =>
    existing ? updateUser(t, data.id, { username, ...profile, deletedAt: null }) : insertUser(t, { userId: data.id, username, ...profile }),
  );
}

/**
 * user.deleted: the row stays (history keeps its foreign keys) but personal data goes,
 * under a username in the reserved `deleted_` namespace (a name nobody else may take;
 * an old row that still holds it is renamed first, so erasure can never be blocked).
 * The account leaves every group. `deleted_at` is the event's instant (the tombstone).
 * Returns what to do once the transaction has committed.
 */
async function eraseUser(ctx: AppContext, userId: string, eventAt: Date, transaction: Transaction, touched: string[]): Promise<() => void> {
  const existing = await lockUser(transaction, userId);
  const username = erasedUsername(userId);
  const squatter = await lockUsernameHolder(transaction, username, userId);
  if (squatter) {
    touched.push(squatter.userId);
    await writeWithFreeUsername(transaction, baseUsername(null, squatter.email), squatter.userId, (name, t) =>
      updateUser(t, squatter.userId, { username: name }),
    );
  }
  const erased = { username, email: erasedEmail(userId), firstName: null, lastName: null, preferences: {} };
  if (!existing) {
    // Deleted before it was ever synced: keep the tombstone so an older user.created cannot create it.
    await insertUser(transaction, { userId, ...erased, deletedAt: eventAt });
    return () => undefined;
  }
  const deletedAt = existing.deletedAt && existing.deletedAt > eventAt ? existing.deletedAt : eventAt;
  await updateUser(transaction, userId, { ...erased, deletedAt });
  const announce = await removeUserFromAllGroups(ctx, { userId }, transaction);
  return () => {
    announce();
    ctx.broadcast.disconnectUser(userId);
    // A running timer stops at the deletion (its session stays in the history, as the others do).
    stopTimer(ctx, { userId }).catch((error: unknown) => ctx.logger.warn({ err: error, userId }, 'could not stop the timer of a deleted user'));
  };
}

/** Applies one verified Clerk event inside the caller's transaction; `afterCommit` work is registered on it. */
async function applyClerkEvent(ctx: AppContext, event: ClerkEvent, eventAt: Date, transaction: Transaction, touched: string[]): Promise<void> {
  const log = ctx.logger.child({ component: 'clerk-webhook' });
  touched.push(event.data.id);
  if (event.type === 'user.deleted') {
    const after = await eraseUser(ctx, event.data.id, eventAt, transaction, touched);
    transaction.afterCommit(after);
  } else {
    await upsertUser(event, eventAt, transaction, (fields, message) => log.info(fields, message));
  }
}

export interface WebhookDelivery {
  /** The `svix-id` header: one effect per delivery id. */
  svixId: string;
  /** The verified payload (an object). */
  payload: Record<string, unknown>;
  /** When the event happened (orders a deletion against later events). */
  eventAt: Date;
}

const KNOWN_EVENTS: ReadonlySet<string> = new Set(['user.created', 'user.updated', 'user.deleted']);

/**
 * A verified Clerk webhook delivery takes effect once: its `svix-id` row and the user
 * change commit together, so a replay changes nothing. Unknown event types are recorded
 * and acknowledged; a known type with an invalid payload is VALIDATION_FAILED.
 */
export async function receiveClerkDelivery(ctx: AppContext, delivery: WebhookDelivery): Promise<void> {
  const log = ctx.logger.child({ component: 'clerk-webhook' });
  const { svixId, payload } = delivery;
  const type = payload.type;
  const touched: string[] = [];
  await ctx.sequelize.transaction(async (tx) => {
    if (!(await recordDelivery(tx, svixId, typeof type === 'string' ? type.slice(0, 100) : 'unknown'))) {
      log.info({ svixId }, 'replayed webhook ignored');
      return;
    }
    if (typeof type !== 'string' || !KNOWN_EVENTS.has(type)) return; // acknowledged, nothing to do
    const event = parseInput(ClerkEvent, payload, 'body');
    await applyClerkEvent(ctx, event, delivery.eventAt, tx, touched);
    log.info({ svixId, type: event.type }, 'webhook applied');
  });
  // Committed: every node drops its cached rows of these users before the delivery is
  // acknowledged (a deleted account is refused by its next request on any node).
  if (touched.length > 0) await forgetUser(ctx, touched, { renamed: true });
}
