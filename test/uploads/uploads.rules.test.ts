import { randomBytes } from 'node:crypto';
import {
  contentDisposition,
  fitsQuota,
  normalizeContentType,
  parseRange,
  resourceTypeOf,
  signToken,
  verifyToken,
} from '../../src/components/uploads/uploads.rules';

describe('upload rules', () => {
  it('when content types are normalised, then case and spaces go, text keeps only a charset, and anything else is refused', () => {
    expect(normalizeContentType('Image/PNG')).toBe('image/png');
    expect(normalizeContentType('text/plain; Charset=UTF-8')).toBe('text/plain; charset=utf-8');
    expect(normalizeContentType('text/plain; charset="utf-8"')).toBe('text/plain; charset=utf-8');
    expect(normalizeContentType('image/png; charset=utf-8')).toBeNull();
    expect(normalizeContentType('text/plain; boundary=x')).toBeNull();
    expect(normalizeContentType('image')).toBeNull();
    expect(normalizeContentType('image/png\r\nX-Evil: 1')).toBeNull();
    expect(normalizeContentType('')).toBeNull();
  });

  it('when a content type is classified, then image/* and video/* are media and only the documented documents are files', () => {
    expect(resourceTypeOf('image/webp')).toBe('image');
    expect(resourceTypeOf('video/webm')).toBe('video');
    for (const t of [
      'application/pdf',
      'text/markdown',
      'text/csv',
      'text/plain; charset=utf-8',
      'application/zip',
      'application/vnd.oasis.opendocument.text',
    ]) {
      expect(resourceTypeOf(t)).toBe('file');
    }
    for (const t of ['text/html', 'application/javascript', 'application/x-msdownload', 'application/octet-stream', 'audio/mpeg']) {
      expect(resourceTypeOf(t)).toBeNull();
    }
  });

  it('when the quota is checked, then stored and in-flight bytes both count and the limit itself fits', () => {
    expect(fitsQuota({ storedBytes: 60, inFlightBytes: 30 }, 10, 100)).toBe(true);
    expect(fitsQuota({ storedBytes: 60, inFlightBytes: 30 }, 11, 100)).toBe(false);
    expect(fitsQuota({ storedBytes: 0, inFlightBytes: 0 }, 1, 0)).toBe(false);
  });

  it('when tokens are signed and checked, then only the same key, purpose and an unexpired time pass', () => {
    const key = randomBytes(32);
    const now = Date.now();
    const token = signToken(key, { purpose: 'put', subject: 'abc', exp: Math.floor(now / 1000) + 60 });
    expect(verifyToken(key, token, 'put', now)).toEqual({ ok: true, claims: { purpose: 'put', subject: 'abc', exp: Math.floor(now / 1000) + 60 } });
    expect(verifyToken(key, token, 'get', now)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyToken(randomBytes(32), token, 'put', now)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyToken(key, token, 'put', now + 61_000)).toEqual({ ok: false, reason: 'expired' });
    const [payload, mac] = token.split('.');
    const forged = `${Buffer.from(Buffer.from(payload!, 'base64url').toString().replace('abc', 'abd')).toString('base64url')}.${mac}`;
    expect(verifyToken(key, forged, 'put', now)).toEqual({ ok: false, reason: 'invalid' });
    for (const bad of [undefined, '', 'x', 'a.b.c', `${token}x`]) expect(verifyToken(key, bad, 'put', now).ok).toBe(false);
    // Every other spelling of the last character (even one decoding to the same bytes) is refused.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const c of alphabet) {
      if (c === token.at(-1)) continue;
      expect(verifyToken(key, `${token.slice(0, -1)}${c}`, 'put', now)).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('when Range headers are parsed, then one satisfiable range is honoured and anything else means the whole object', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=990-2000', 1000)).toEqual({ start: 990, end: 999 });
    for (const h of [undefined, 'bytes=1000-', 'bytes=5-1', 'bytes=0-1,5-6', 'items=0-1', 'bytes=-0', 'bytes=-']) expect(parseRange(h, 1000)).toBeNull();
  });

  it('when a download is named, then media are inline, the rest attachments, and the name is safe in ASCII and exact in UTF-8', () => {
    expect(contentDisposition('a.png', 'image/png')).toBe(`inline; filename="a.png"; filename*=UTF-8''a.png`);
    expect(contentDisposition('Résumé "v2".pdf', 'application/pdf')).toBe(
      `attachment; filename="R_sum_ _v2_.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22v2%22.pdf`,
    );
  });
});
