import { createHmac, timingSafeEqual } from 'node:crypto';
import { resourceTypeOf } from '../../shared/contract/uploads';

/**
 * Pure upload rules (no database, no store): which content types make which resource,
 * quota arithmetic, signed tokens, `Range` headers and download headers.
 */

/** Which content types make which resource is the wire contract's (src/shared/contract/uploads.ts). */
export { FILE_CONTENT_TYPES, normalizeContentType, resourceTypeOf, type StoredResourceType } from '../../shared/contract/uploads';

/** Images and videos are shown in the page; everything else is downloaded. */
export const isInline = (contentType: string): boolean => resourceTypeOf(contentType) === 'image' || resourceTypeOf(contentType) === 'video';

export interface QuotaUse {
  /** Bytes of the group's live (non-deleted) uploaded resources. */
  storedBytes: number;
  /** Declared bytes of the group's uploads in flight (not attached, failed or expired). */
  inFlightBytes: number;
}

/**
 * Whether one more upload of `size` bytes fits: in-flight uploads count as if stored, so
 * two parallel uploads can never together pass the quota (creation is serialised per
 * group). A quota of 0 allows nothing.
 */
export function fitsQuota(use: QuotaUse, size: number, quota: number): boolean {
  return use.storedBytes + use.inFlightBytes + size <= quota;
}

// ---------------------------------------------------------------------------- tokens

export type TokenPurpose = 'put' | 'get';

export interface TokenClaims {
  purpose: TokenPurpose;
  /** `put`: the upload id; `get`: `<resourceId>:<userId>`. */
  subject: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'invalid' | 'expired' };

const b64 = (data: Buffer | string): string => Buffer.from(data).toString('base64url');
const mac = (key: Buffer, payload: string): Buffer => createHmac('sha256', key).update(payload).digest();

/** `<payload>.<HMAC-SHA256>`, both base64url; the payload is `v1|purpose|subject|exp`. */
export function signToken(key: Buffer, claims: TokenClaims): string {
  const payload = b64(['v1', claims.purpose, claims.subject, String(claims.exp)].join('|'));
  return `${payload}.${b64(mac(key, payload))}`;
}

/** Checks signature, purpose and expiry (`now` in ms). A token for another purpose is invalid. */
export function verifyToken(key: Buffer, token: string | undefined, purpose: TokenPurpose, now: number): TokenCheck {
  if (!token || token.length > 1024) return { ok: false, reason: 'invalid' };
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'invalid' };
  const expected = mac(key, payload);
  const given = Buffer.from(signature, 'base64url');
  // Canonical spelling only: base64 ignores the spare bits of the last character, so
  // without this several strings would carry the same signature.
  if (given.length !== expected.length || given.toString('base64url') !== signature || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'invalid' };
  }
  const [version, p, subject, exp] = Buffer.from(payload, 'base64url').toString('utf8').split('|');
  if (version !== 'v1' || p !== purpose || !subject || !/^\d+$/.test(exp ?? '')) return { ok: false, reason: 'invalid' };
  if (Number(exp) * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { purpose, subject, exp: Number(exp) } };
}

// ---------------------------------------------------------------------------- downloads

/**
 * The single byte range of a `Range` header, inclusive, clamped to the object; null means
 * "send everything" (no header, several ranges, another unit, or one that cannot be
 * satisfied: a server may ignore Range, and a 200 with all bytes is always correct).
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  if (!header || size === 0) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return null;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (!Number.isSafeInteger(start) || start > end || start >= size) return null;
  return { start, end };
}

/** RFC 6266 `Content-Disposition` with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(fileName: string, contentType: string): string {
  const kind = isInline(contentType) ? 'inline' : 'attachment';
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const utf8 = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}
