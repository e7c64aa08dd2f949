import { pipeline } from 'node:stream';
import type { Request } from 'express';
import type { Api, AppContext, SignedInUser } from '../../context';
import { notFound } from '../../lib/errors';
import type { Authenticate } from '../../lib/http/api-router';
import { ObjectNotFoundError } from '../../lib/storage';
import { IdSchema, z } from '../../lib/validation';
import { accessTokenUser, contentUrl, createUpload, openContent, receiveUpload } from './uploads.service';
import { contentDisposition, normalizeContentType, parseRange, resourceTypeOf } from './uploads.rules';

export const CreateUploadBody = z
  .object({
    fileName: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .refine((name) => ![...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'must not contain control characters'),
    contentType: z
      .string()
      .max(255)
      .refine((type) => {
        const normalized = normalizeContentType(type);
        return normalized !== null && resourceTypeOf(normalized) !== null;
      }, 'must be image/*, video/*, or for a file: PDF, plain text, Markdown, CSV, an Office/OpenDocument document or ZIP'),
    fileSize: z
      .number()
      .int()
      .min(1)
      .max(Number.MAX_SAFE_INTEGER)
      .openapi({ description: 'Bytes; at most UPLOAD_MAX_BYTES and within the group quota (else 413)' }),
  })
  .strict()
  .openapi('CreateUpload');

export const UploadTicketSchema = z
  .object({
    uploadId: z.string().uuid(),
    method: z.literal('PUT'),
    url: z.string().openapi({ description: 'Where to send the bytes: the API itself (embedded store) or a presigned S3 URL' }),
    headers: z.record(z.string(), z.string()).openapi({ description: 'Send exactly these headers with the bytes' }),
    expiresAt: z.string(),
  })
  .openapi('UploadTicket');

export const ContentUrlSchema = z
  .object({
    url: z.string().openapi({ description: '`/api/resources/:id/content?access=…`: works without an Authorization header, for this user only' }),
    expiresAt: z.string(),
  })
  .openapi('ContentUrl');

const ById = z.object({ id: IdSchema });

/** The origin the caller reached this node at (behind a trusted proxy: its X-Forwarded-* view). */
const originOf = (req: Request): string => `${req.protocol}://${req.get('host')}`;

/** Uploads on the JSON API: create an upload, the content, and content URLs for browsers. */
export function registerUploadRoutes(api: Api, ctx: AppContext, authenticate: Authenticate<SignedInUser>): void {
  const tags = ['Uploads'];
  api.route(
    {
      method: 'post',
      path: '/groups/:id/uploads',
      summary: 'Start an upload: where and how to send the bytes',
      tags,
      params: ById,
      body: CreateUploadBody,
      response: UploadTicketSchema,
      status: 201,
      errors: [404, 413],
    },
    ({ user, params, body, req }) => createUpload(ctx, user, { ...body, groupId: params.id, apiOrigin: originOf(req) }),
  );
  api.route(
    {
      method: 'get',
      path: '/resources/:id/content-url',
      summary: 'A short-lived URL of the content for elements that cannot send a bearer token',
      tags,
      params: ById,
      response: ContentUrlSchema,
      errors: [404],
    },
    ({ user, params }) => contentUrl(ctx, user, { resourceId: params.id }),
  );
  api.publicRoute(
    {
      method: 'get',
      path: '/resources/:id/content',
      summary: 'The bytes of an uploaded resource (Range supported), or a redirect to them',
      authNote:
        'Authorization: Bearer, or `?access=` from GET /resources/{id}/content-url. Embedded store: 200/206 with the bytes; S3: 302 to a presigned GET valid five minutes.',
      tags,
      params: ById,
      query: z.object({ access: z.string().max(1024).optional() }),
      binaryResponse: true,
      otherResponses: { 206: 'A byte range', 302: 'S3: redirect to a presigned GET' },
      errors: [401, 404],
    },
    async ({ params, query, req, res }) => {
      const userId = query.access ? await accessTokenUser(ctx, params.id, query.access) : (await authenticate(req)).userId;
      const answer = await openContent(ctx, { userId }, { resourceId: params.id, disposition: (c) => contentDisposition(c.fileName, c.contentType) });
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      if (answer.kind === 'redirect') {
        res.setHeader('Cache-Control', 'no-store');
        res.redirect(302, answer.url);
        return;
      }
      const { content } = answer;
      const lastModified = new Date(content.createdAt).toUTCString();
      const ifRange = req.headers['if-range'];
      const range = ifRange === undefined || ifRange === lastModified ? parseRange(req.headers.range, content.fileSize) : null;
      const headers: Record<string, string | number> = {
        'Content-Type': content.contentType,
        'Content-Disposition': contentDisposition(content.fileName, content.contentType),
        'Accept-Ranges': 'bytes',
        'Cache-Control': 'private, max-age=300',
        'Last-Modified': lastModified,
        'Content-Length': range ? range.end - range.start + 1 : content.fileSize,
      };
      if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${content.fileSize}`;
      const status = range ? 206 : 200;
      if (req.method === 'HEAD') {
        res.writeHead(status, headers).end();
        return;
      }
      const bytes = await answer.open(range ?? undefined).catch((error: unknown) => {
        if (!(error instanceof ObjectNotFoundError)) throw error;
        ctx.logger.error({ resourceId: content.id, key: content.storageKey }, 'stored content missing');
        throw notFound('Content');
      });
      res.writeHead(status, headers);
      pipeline(bytes, res, (error) => {
        if (error && res.writableFinished === false && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
          ctx.logger.warn({ err: error, resourceId: content.id }, 'content stream failed');
        }
      });
    },
  );
}

/**
 * `PUT /api/uploads/:uploadId?token=…`: the embedded store's upload URL. Raw bytes (never
 * through a body parser), authorised by the signed single-use token alone. Mount its
 * router on `/api` before any body parser.
 */
export function registerUploadReceiver(api: Api, ctx: AppContext): void {
  api.publicRoute(
    {
      method: 'put',
      path: '/uploads/:uploadId',
      summary: 'Send the bytes of an upload (embedded store)',
      authNote: 'No bearer token: the signed, single-use, expiring `token` of the upload URL authorises it. Any other token is 404; expired 410; used 409.',
      tags: ['Uploads'],
      params: z.object({ uploadId: z.string() }),
      query: z.object({ token: z.string().optional() }),
      rawBody: 'application/octet-stream',
      status: 204,
      errors: [404, 409, 410, 413],
    },
    async ({ params, query, req, res }) => {
      try {
        const length = req.headers['content-length'];
        await receiveUpload(ctx, {
          uploadId: params.uploadId,
          token: query.token,
          incoming: { contentType: req.headers['content-type'], contentLength: length === undefined ? undefined : Number(length), body: req },
        });
      } catch (error) {
        // Refused with bytes still unread: answer, and close the connection rather than read them.
        if (!req.readableEnded) res.setHeader('Connection', 'close');
        throw error;
      }
    },
  );
}
