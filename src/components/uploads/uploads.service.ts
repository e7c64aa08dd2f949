import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Transaction } from 'sequelize';
import type { Actor, AppContext } from '../../context';
import { AppError, notFound, validationFailed } from '../../lib/errors';
import { ObjectSizeMismatchError, ObjectTooLargeError } from '../../lib/storage';
import { lockGroup, requireAccess } from '../groups';
import * as repo from './uploads.repository';
import { fitsQuota, normalizeContentType, resourceTypeOf, signToken, verifyToken, type StoredResourceType } from './uploads.rules';
import { tokenKey } from './uploads.store';

/** How long an upload URL (and the upload's place in the quota) lasts. */
export const UPLOAD_TTL_SECONDS = 60 * 60;
/** How long a content URL from `GET /resources/:id/content-url` lasts. */
export const ACCESS_TTL_SECONDS = 15 * 60;
/** How long the S3 download URL of a redirect lasts. */
export const PRESIGNED_GET_SECONDS = 5 * 60;
/** Uploads never attached are removed after this long. */
export const UNATTACHED_RETENTION_MS = 24 * 3600_000;
/** Stored bytes of deleted resources are removed after this long. */
export const DELETED_RETENTION_MS = 30 * 24 * 3600_000;

export interface UploadTicket {
  uploadId: string;
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
  expiresAt: string;
}

export interface NewUpload {
  groupId: number;
  fileName: string;
  contentType: string;
  fileSize: number;
  /** The origin the caller reached the API at (embedded store URLs point back to it). */
  apiOrigin: string;
}

const tooLarge = (message: string): AppError => new AppError('PAYLOAD_TOO_LARGE', message, [{ field: 'body.fileSize', message }]);

/**
 * `POST /groups/:id/uploads`: checks who may add resources, the size limit and the
 * group's quota (under the group row lock, so parallel uploads are counted one after the
 * other), records the upload, then hands out where to send the bytes.
 */
export async function createUpload(ctx: AppContext, actor: Actor, input: NewUpload): Promise<UploadTicket> {
  const { groupId, apiOrigin } = input;
  const { userId } = actor;
  const contentType = normalizeContentType(input.contentType);
  if (!contentType || !resourceTypeOf(contentType)) throw validationFailed([{ field: 'body.contentType', message: 'not an allowed content type' }]);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + UPLOAD_TTL_SECONDS * 1000);
  const id = randomUUID();
  const storageKey = `uploads/${groupId}/${id}`;
  await ctx.sequelize.transaction(async (tx) => {
    await requireAccess(tx, groupId, userId, 'resource.upload');
    if (input.fileSize > ctx.config.uploadMaxBytes) throw tooLarge(`larger than the ${ctx.config.uploadMaxBytes}-byte limit`);
    // Serialises quota decisions of one group (the group row lock, as for capacity).
    await lockGroup(tx, groupId);
    const use = await repo.quotaUse(tx, groupId, now);
    if (!fitsQuota(use, input.fileSize, ctx.config.groupStorageQuotaBytes)) throw tooLarge("past the group's storage quota");
    await repo.insertUpload(tx, {
      id,
      groupId,
      uploaderId: userId,
      fileName: input.fileName,
      contentType,
      declaredSize: input.fileSize,
      storageKey,
      expiresAt,
    });
  });
  const expiresInSeconds = UPLOAD_TTL_SECONDS;
  if (ctx.storage.presignPut) {
    const put = await ctx.storage.presignPut(storageKey, { size: input.fileSize, contentType, expiresInSeconds });
    return { uploadId: id, method: 'PUT', url: put.url, headers: put.headers, expiresAt: expiresAt.toISOString() };
  }
  const token = signToken(await tokenKey(ctx), { purpose: 'put', subject: id, exp: Math.floor(expiresAt.getTime() / 1000) });
  return {
    uploadId: id,
    method: 'PUT',
    url: `${apiOrigin}/api/uploads/${id}?token=${encodeURIComponent(token)}`,
    headers: { 'Content-Type': contentType },
    expiresAt: expiresAt.toISOString(),
  };
}

export interface IncomingBytes {
  contentType: string | undefined;
  /** The `Content-Length` header, when sent. */
  contentLength: number | undefined;
  body: Readable;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const noSuchUpload = (): AppError => notFound('Upload');

/**
 * `PUT /uploads/:uploadId?token=…` (embedded store): the signed token is the whole
 * authorisation. Any token that is not a valid one for this upload is a 404 (the route
 * does not exist for the caller); an expired one is 410; a second use is 409. A request
 * refused before its bytes are read (type or length header wrong) leaves the URL usable.
 */
export async function receiveUpload(ctx: AppContext, input: { uploadId: string; token: string | undefined; incoming: IncomingBytes }): Promise<void> {
  const { uploadId, token, incoming } = input;
  if (ctx.storage.presignPut || !UUID.test(uploadId)) throw noSuchUpload();
  const check = verifyToken(await tokenKey(ctx), token, 'put', Date.now());
  if (!check.ok && check.reason === 'invalid') throw noSuchUpload();
  if (check.ok && check.claims.subject !== uploadId) throw noSuchUpload();
  if (!check.ok) throw new AppError('GONE', 'This upload URL has expired: create a new upload');

  const upload = await repo.findUpload(ctx.sequelize, uploadId);
  if (!upload) throw noSuchUpload();
  if (upload.status !== 'pending') throw new AppError('CONFLICT', 'This upload URL was already used');
  const sentType = incoming.contentType === undefined ? null : normalizeContentType(incoming.contentType);
  if (sentType !== upload.contentType) {
    throw validationFailed([{ field: 'headers.content-type', message: `must be ${upload.contentType}, as given when the upload was created` }]);
  }
  if (incoming.contentLength !== undefined && incoming.contentLength > upload.declaredSize) {
    throw new AppError('PAYLOAD_TOO_LARGE', `More than the declared ${upload.declaredSize} bytes`);
  }
  if (incoming.contentLength !== undefined && incoming.contentLength < upload.declaredSize) {
    throw validationFailed([{ field: 'body', message: `${incoming.contentLength} bytes sent, ${upload.declaredSize} declared` }]);
  }

  const claimed = await repo.claimForPut(ctx.sequelize, uploadId, new Date());
  if (!claimed) {
    const now = await repo.findUpload(ctx.sequelize, uploadId);
    if (now && now.status === 'pending') throw new AppError('GONE', 'This upload URL has expired: create a new upload');
    throw new AppError('CONFLICT', 'This upload URL was already used');
  }
  try {
    await ctx.storage.put(claimed.storageKey, incoming.body, { size: claimed.declaredSize, contentType: claimed.contentType });
  } catch (error) {
    await repo.markFailed(ctx.sequelize, uploadId).catch((e: unknown) => ctx.logger.warn({ err: e, uploadId }, 'could not mark an upload failed'));
    if (error instanceof ObjectTooLargeError) throw new AppError('PAYLOAD_TOO_LARGE', `More than the declared ${claimed.declaredSize} bytes`);
    if (error instanceof ObjectSizeMismatchError) {
      throw validationFailed([{ field: 'body', message: `${error.received} bytes sent, ${error.expected} declared` }]);
    }
    throw error;
  }
  await repo.markCompleted(ctx.sequelize, uploadId, claimed.declaredSize, new Date());
}

export interface AttachRequest {
  groupId: number;
  userId: string;
  uploadId: string;
  resourceType: StoredResourceType;
}

export interface AttachedContent {
  storageKey: string;
  contentType: string;
  /** Measured by the store. */
  size: number;
}

const badUpload = (message: string): AppError => validationFailed([{ field: 'body.uploadId', message }]);

/**
 * The upload checks of `POST /groups/:id/resources {uploadId}`, inside the caller's
 * transaction (the upload row stays locked until it commits, so a second attach waits and
 * then gets 409). The caller then creates the resource and calls `markAttached`.
 */
export async function takeUpload(ctx: AppContext, request: AttachRequest, tx: Transaction): Promise<AttachedContent> {
  const upload = await repo.lockUpload(tx, request.uploadId);
  if (!upload || upload.groupId !== request.groupId || upload.uploaderId !== request.userId) throw badUpload('no such upload of yours in this group');
  if (upload.status === 'attached') throw new AppError('CONFLICT', 'This upload is already attached to a resource');
  if (upload.status === 'failed') throw badUpload('the upload failed: create a new one');
  if (upload.expiresAt.getTime() <= Date.now()) throw badUpload('the upload expired: create a new one');
  if (resourceTypeOf(upload.contentType) !== request.resourceType) {
    throw validationFailed([{ field: 'body.resourceType', message: `${upload.contentType} does not make a ${request.resourceType}` }]);
  }
  // The embedded store records completion; S3 is asked. Both: the stored object decides.
  if (!ctx.storage.presignPut && upload.status !== 'completed') throw badUpload('the upload was never completed');
  const stored = await ctx.storage.stat(upload.storageKey);
  if (!stored) throw badUpload('the upload was never completed');
  if (stored.size !== upload.declaredSize) throw badUpload(`${stored.size} bytes stored, ${upload.declaredSize} declared`);
  if (stored.contentType !== null && normalizeContentType(stored.contentType) !== upload.contentType) {
    throw badUpload(`stored as ${stored.contentType}, declared ${upload.contentType}`);
  }
  return { storageKey: upload.storageKey, contentType: upload.contentType, size: stored.size };
}

/** Records the upload as the content of `resourceId`, in the transaction that created it. */
export function markAttached(_ctx: AppContext, input: { uploadId: string; resourceId: number; size: number }, tx: Transaction): Promise<void> {
  return repo.markAttached(tx, input.uploadId, input.resourceId, input.size, new Date());
}

/** A live stored resource the user may see (the policy's `resource.content`: members, anyone for a public group); NOT_FOUND otherwise. */
async function visibleContent(ctx: AppContext, resourceId: number, userId: string): Promise<repo.StoredResource> {
  const content = await repo.findStoredResource(ctx.sequelize, resourceId);
  if (!content) throw notFound('Content');
  await requireAccess(ctx.sequelize, content.groupId, userId, 'resource.content');
  return content;
}

/**
 * `GET /resources/:id/content-url`: a URL of the content that works without an
 * Authorization header (for `<img>`, `<video>` and download links), bound to this user
 * and resource, valid ACCESS_TTL_SECONDS, and re-checked against the group at each use.
 */
export async function contentUrl(ctx: AppContext, actor: Actor, input: { resourceId: number }): Promise<{ url: string; expiresAt: string }> {
  const { resourceId } = input;
  const { userId } = actor;
  await visibleContent(ctx, resourceId, userId);
  const exp = Math.floor(Date.now() / 1000) + ACCESS_TTL_SECONDS;
  const token = signToken(await tokenKey(ctx), { purpose: 'get', subject: `${resourceId}:${userId}`, exp });
  return { url: `/api/resources/${resourceId}/content?access=${encodeURIComponent(token)}`, expiresAt: new Date(exp * 1000).toISOString() };
}

/** The user an access token speaks for, for this resource; UNAUTHENTICATED when it is not valid for it. */
export async function accessTokenUser(ctx: AppContext, resourceId: number, token: string): Promise<string> {
  const check = verifyToken(await tokenKey(ctx), token, 'get', Date.now());
  if (!check.ok) throw new AppError('UNAUTHENTICATED', check.reason === 'expired' ? 'This content URL has expired' : 'Invalid content URL');
  const separator = check.claims.subject.indexOf(':');
  if (check.claims.subject.slice(0, separator) !== String(resourceId)) throw new AppError('UNAUTHENTICATED', 'Invalid content URL');
  return check.claims.subject.slice(separator + 1);
}

export type ContentAnswer =
  | { kind: 'redirect'; url: string }
  | { kind: 'bytes'; content: repo.StoredResource; open: (range?: { start: number; end: number }) => Promise<Readable> };

/** `GET /resources/:id/content`: a presigned redirect (S3) or the bytes (embedded store). */
export async function openContent(
  ctx: AppContext,
  actor: Pick<Actor, 'userId'>,
  input: { resourceId: number; disposition: (c: repo.StoredResource) => string },
): Promise<ContentAnswer> {
  const { disposition } = input;
  const content = await visibleContent(ctx, input.resourceId, actor.userId);
  if (ctx.storage.presignGet) {
    const url = await ctx.storage.presignGet(content.storageKey, {
      expiresInSeconds: PRESIGNED_GET_SECONDS,
      contentType: content.contentType,
      contentDisposition: disposition(content),
    });
    return { kind: 'redirect', url };
  }
  return { kind: 'bytes', content, open: (range) => ctx.storage.read(content.storageKey, range) };
}

/**
 * The maintenance sweep: uploads never attached within 24 h (their object, then their
 * row), the stored bytes of resources deleted more than 30 days ago, and partial files
 * of writes a crash interrupted. Object first, row second: a crash in between is
 * finished by the next run (deletes are idempotent).
 */
export async function sweepUploads(
  ctx: AppContext,
  input: { now?: Date; batch?: number } = {},
): Promise<{ uploads: number; contents: number; partials: number }> {
  const { now = new Date(), batch = 500 } = input;
  let uploads = 0;
  for (const u of await repo.unattachedUploadsBefore(ctx.sequelize, new Date(now.getTime() - UNATTACHED_RETENTION_MS), batch)) {
    await ctx.storage.delete(u.storageKey);
    if (await repo.deleteUnattachedUpload(ctx.sequelize, u.id)) uploads += 1;
  }
  let contents = 0;
  for (const r of await repo.deletedStoredResourcesBefore(ctx.sequelize, new Date(now.getTime() - DELETED_RETENTION_MS), batch)) {
    await ctx.storage.delete(r.storageKey);
    await repo.markContentPurged(ctx.sequelize, r.id, now);
    contents += 1;
  }
  const partials = await ctx.storage.sweepPartial(UNATTACHED_RETENTION_MS);
  return { uploads, contents, partials };
}
