import express, { type Router } from 'express';
import type { Transaction } from 'sequelize';
import { Webhook, WebhookVerificationError } from 'svix';
import { User, WebhookEvent } from '../../db/models';
import { AppError } from '../../lib/errors';
import type { AppContext } from '../../lib/context';
import { parseInput, z } from '../../lib/validation';
import { freeUsername } from './auth.service';

const EmailAddress = z.object({ id: z.string(), email_address: z.string() });
const ClerkUser = z.object({
  id: z.string().min(1).max(191),
  username: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  email_addresses: z.array(EmailAddress).default([]),
  primary_email_address_id: z.string().nullish(),
});
const ClerkEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user.created'), data: ClerkUser }),
  z.object({ type: z.literal('user.updated'), data: ClerkUser }),
  z.object({ type: z.literal('user.deleted'), data: z.object({ id: z.string().min(1).max(191) }) }),
]);

async function upsertUser(data: z.infer<typeof ClerkUser>, transaction: Transaction): Promise<void> {
  const email = data.email_addresses.find((e) => e.id === data.primary_email_address_id)?.email_address ?? data.email_addresses[0]?.email_address;
  if (!email) throw new AppError('VALIDATION_FAILED', 'The user has no email address', [{ field: 'data.email_addresses', message: 'required' }]);
  const existing = await User.findByPk(data.id, { transaction, lock: transaction.LOCK.UPDATE });
  const wanted = data.username || existing?.username || email.split('@')[0]!.replace(/[^A-Za-z0-9_.-]/g, '') || 'user';
  const username = await freeUsername(wanted, data.id, transaction);
  if (existing) {
    await existing.update({ username, email, firstName: data.first_name ?? null, lastName: data.last_name ?? null, deletedAt: null }, { transaction });
  } else {
    await User.create({ userId: data.id, username, email, firstName: data.first_name ?? null, lastName: data.last_name ?? null }, { transaction });
  }
}

/** user.deleted: the row stays (history keeps its foreign keys) but personal data goes. */
async function eraseUser(userId: string, transaction: Transaction): Promise<void> {
  await User.update(
    { username: `deleted_${userId}`, email: `deleted+${userId}@invalid`, firstName: null, lastName: null, preferences: {}, deletedAt: new Date() },
    { where: { userId }, transaction },
  );
}

/** Body limit of the (signed but unauthenticated) webhook endpoint. */
const WEBHOOK_BODY_LIMIT = '128kb';

/**
 * `POST /webhooks/clerk`: verified with svix over the raw body; each `svix-id` takes
 * effect once (its row and the user change commit together). Without a signing secret
 * the endpoint does not exist (404).
 */
export function createClerkWebhookRouter(ctx: AppContext): Router {
  const router = express.Router();
  const secret = ctx.config.clerkWebhookSigningSecret;
  const log = ctx.logger.child({ component: 'clerk-webhook' });
  // Unauthenticated until the signature is checked: a small limit (a Clerk user event is a few KB).
  router.post('/webhooks/clerk', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res, next) => {
    try {
      if (!secret) throw new AppError('NOT_FOUND', 'Webhooks are not configured');
      const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      const headers = {
        'svix-id': req.header('svix-id') ?? '',
        'svix-timestamp': req.header('svix-timestamp') ?? '',
        'svix-signature': req.header('svix-signature') ?? '',
      };
      let payload: unknown;
      try {
        // Checks the signature over the raw bytes, then parses them.
        payload = new Webhook(secret).verify(body, headers);
      } catch (error) {
        if (error instanceof WebhookVerificationError) {
          throw new AppError('VALIDATION_FAILED', 'Invalid webhook signature', [{ field: 'svix-signature', message: error.message }]);
        }
        if (error instanceof SyntaxError) throw new AppError('VALIDATION_FAILED', 'The body is not valid JSON', [{ field: 'body', message: 'malformed JSON' }]);
        throw error;
      }
      if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
        throw new AppError('VALIDATION_FAILED', 'The body must be a JSON object', [{ field: 'body', message: 'must be an object' }]);
      }
      const svixId = headers['svix-id'];
      const type = (payload as { type?: unknown }).type;
      const known = typeof type === 'string' && ['user.created', 'user.updated', 'user.deleted'].includes(type);
      await ctx.sequelize.transaction(async (transaction) => {
        const [, created] = await WebhookEvent.findOrCreate({
          where: { svixId },
          defaults: { svixId, eventType: typeof type === 'string' ? type.slice(0, 100) : 'unknown' },
          transaction,
        });
        if (!created) {
          log.info({ svixId }, 'replayed webhook ignored');
          return;
        }
        if (!known) return; // acknowledged, nothing to do
        const event = parseInput(ClerkEvent, payload, 'body');
        if (event.type === 'user.deleted') await eraseUser(event.data.id, transaction);
        else await upsertUser(event.data, transaction);
        log.info({ svixId, type: event.type }, 'webhook applied');
      });
      res.status(200).json({ ok: true });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
