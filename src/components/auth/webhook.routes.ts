import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type Router } from 'express';
import { Webhook, WebhookVerificationError } from 'svix';
import type { AppContext } from '../../context';
import { AppError } from '../../lib/errors';
import { errorResponse } from '../../lib/http/openapi';
import { z } from '../../lib/validation';
import { receiveClerkDelivery } from './clerk-sync.service';

/**
 * When the event happened: Clerk's payloads carry a top-level `timestamp` (ms); without
 * one, the (verified) `svix-timestamp` header (s). Orders a deletion against later events.
 */
function eventInstant(payload: { timestamp?: unknown }, svixTimestamp: string): Date {
  if (typeof payload.timestamp === 'number' && Number.isFinite(payload.timestamp) && payload.timestamp > 0) return new Date(payload.timestamp);
  return new Date(Number(svixTimestamp) * 1000);
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
      const fields = payload as Record<string, unknown>;
      await receiveClerkDelivery(ctx, { svixId: headers['svix-id'], payload: fields, eventAt: eventInstant(fields, headers['svix-timestamp']) });
      res.status(200).json({ ok: true });
    } catch (error) {
      next(error);
    }
  });
  return router;
}

/** The OpenAPI description of `POST /webhooks/clerk`. */
export function documentClerkWebhook(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/webhooks/clerk',
    summary: "Clerk's user events (user.created, user.updated, user.deleted), verified with svix",
    description: `No bearer token: the svix signature over the raw body authorises it (at most ${WEBHOOK_BODY_LIMIT}). Each svix-id takes effect once; other event types are acknowledged and ignored.`,
    tags: ['Authentication'],
    request: {
      headers: z.object({ 'svix-id': z.string(), 'svix-timestamp': z.string(), 'svix-signature': z.string() }),
      body: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
    },
    responses: {
      200: {
        description: 'Applied, ignored or replayed',
        content: { 'application/json': { schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } } },
      },
      400: errorResponse('VALIDATION_FAILED: bad signature or timestamp (`svix-signature`), or a body that is not a JSON object (`body`)'),
      404: errorResponse('NOT_FOUND: CLERK_WEBHOOK_SIGNING_SECRET is not configured'),
      413: errorResponse('PAYLOAD_TOO_LARGE'),
      503: errorResponse('UNAVAILABLE'),
    },
  });
}
