import type { ResourceType } from '../enums';
import { z } from './zod';

/** Uploaded images, videos and files (docs/API.md "Uploads", added by issue 14). */

/** Uploaded resource types; `link` and `folder` have no bytes. */
export type StoredResourceType = Extract<ResourceType, 'image' | 'video' | 'file'>;

/** `file` uploads: documents people study from. */
export const FILE_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/pdf',
  'text/plain',
  'text/markdown',
  'text/csv',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/zip',
  'application/x-zip-compressed',
]);

const TOKEN = '[a-z0-9][a-z0-9!#$&^_.+-]{0,126}';
const MEDIA_TYPE = new RegExp(`^(${TOKEN})/(${TOKEN})$`);
const CHARSET = /^charset="?([a-z0-9._-]{1,40})"?$/;

/**
 * The canonical spelling of a media type (lower case, no spaces), or null when it is not
 * one. The only parameter kept is `charset`, and only on `text/*`; others are refused.
 */
export function normalizeContentType(raw: string): string | null {
  const [essence = '', ...params] = raw
    .toLowerCase()
    .split(';')
    .map((p) => p.trim());
  const match = MEDIA_TYPE.exec(essence);
  if (!match) return null;
  if (params.length === 0) return essence;
  const [param] = params;
  if (params.length > 1 || match[1] !== 'text' || param === undefined) return null;
  const charset = CHARSET.exec(param);
  return charset ? `${essence}; charset=${charset[1]}` : null;
}

/** The resource type a (normalized) content type makes, or null when it is not allowed. */
export function resourceTypeOf(contentType: string): StoredResourceType | null {
  const [essence = ''] = contentType.split(';');
  if (essence.startsWith('image/')) return 'image';
  if (essence.startsWith('video/')) return 'video';
  return FILE_CONTENT_TYPES.has(essence) ? 'file' : null;
}

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

/** `GET /resources/:id/content?access=`: the token of a content URL, for elements that cannot send a bearer token. */
export const ContentQuery = z.object({ access: z.string().max(1024).optional() });
/** `PUT /uploads/:uploadId?token=`: the embedded store's upload URL. */
export const UploadParams = z.object({ uploadId: z.string() });
export const UploadQuery = z.object({ token: z.string().optional() });
