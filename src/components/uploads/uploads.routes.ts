import { pipeline } from 'node:stream';
import type { Request } from 'express';
import type { Api, AppContext, SignedInUser } from '../../context';
import { notFound } from '../../lib/errors';
import type { Authenticate } from '../../lib/http/api-router';
import { ObjectNotFoundError } from '../../lib/storage';
import { ContentQuery, ContentUrlSchema, CreateUploadBody, IdParams, UploadParams, UploadQuery, UploadTicketSchema } from '../../shared/contract';
import { accessTokenUser, contentUrl, createUpload, openContent, receiveUpload } from './uploads.service';
import { contentDisposition, parseRange } from './uploads.rules';

const ById = IdParams;

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
      query: ContentQuery,
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
      params: UploadParams,
      query: UploadQuery,
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
