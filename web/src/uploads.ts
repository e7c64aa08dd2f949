/**
 * Uploaded resources in the browser (API.md "Uploads"): start an upload, send the bytes
 * with XHR (for upload progress) exactly as the server says, attach them as a resource,
 * and get short-lived content URLs for `<img>`, `<video>` and download links (those
 * elements cannot send the bearer token).
 */
import { api, ApiError } from './api';
import type { Resource } from './types';

interface UploadTicket {
  uploadId: string;
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
  expiresAt: string;
}

/** Browsers leave `File.type` empty for some documents (Markdown, often CSV): name them from the extension. */
const BY_EXTENSION: Record<string, string> = {
  md: 'text/markdown',
  markdown: 'text/markdown',
  csv: 'text/csv',
  txt: 'text/plain',
  pdf: 'application/pdf',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  webm: 'video/webm',
};

export function contentTypeOf(file: File): string {
  if (file.type) return file.type;
  const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
  return BY_EXTENSION[ext] ?? 'application/octet-stream';
}

/** The resource type the server will accept for a content type (it decides; this only picks). */
export function resourceTypeFor(contentType: string): 'image' | 'video' | 'file' {
  if (contentType.startsWith('image/')) return 'image';
  if (contentType.startsWith('video/')) return 'video';
  return 'file';
}

/** Sends the bytes as the ticket says; `onProgress` gets 0..1. */
function send(ticket: UploadTicket, file: File, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(ticket.method, ticket.url);
    for (const [name, value] of Object.entries(ticket.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      let message = `The upload was refused (${xhr.status})`;
      try {
        message = (JSON.parse(xhr.responseText) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        /* S3 answers XML */
      }
      reject(new ApiError(xhr.status, `HTTP_${xhr.status}`, message));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The upload was interrupted.'));
    xhr.send(file);
  });
}

/** Upload `file` into the group and make it a resource titled `title`. */
export async function uploadResource(
  groupId: number,
  file: File,
  title: string,
  onProgress: (fraction: number) => void,
  parentFolderId?: number | null,
): Promise<Resource> {
  const contentType = contentTypeOf(file);
  const ticket = await api('POST /api/groups/:id/uploads', { params: { id: groupId }, body: { fileName: file.name, contentType, fileSize: file.size } });
  await send(ticket, file, onProgress);
  onProgress(1);
  return api('POST /api/groups/:id/resources', {
    params: { id: groupId },
    body: {
      title,
      resourceType: resourceTypeFor(contentType),
      uploadId: ticket.uploadId,
      ...(parentFolderId ? { parentFolderId } : {}),
    },
  });
}

/** A URL of the content usable in `src`/`href` (user-bound, valid 15 minutes). */
export async function contentUrl(resourceId: number): Promise<string> {
  return (await api('GET /api/resources/:id/content-url', { params: { id: resourceId } })).url;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
