import express, { type Request, type RequestHandler, type Response } from 'express';

/** How deep a JSON body may nest (objects and arrays). Our bodies need 3; anything deeper is hostile. */
export const MAX_JSON_DEPTH = 16;

/** Thrown by the depth check; the error handler turns it into VALIDATION_FAILED naming `body`. */
export class BodyTooDeepError extends Error {
  override name = 'BodyTooDeepError';
  readonly type = 'entity.too.deep';
  constructor(readonly maxDepth: number) {
    super(`nested deeper than ${maxDepth} levels`);
  }
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Does this UTF-8 JSON text nest deeper than `max`? One linear pass over the bytes,
 * before any parsing (brackets inside strings do not count). UTF-8 multi-byte sequences
 * never contain ASCII bytes, so byte comparisons are exact.
 */
export function nestsDeeperThan(body: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i += 1) {
    const byte = body[i] ?? 0;
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
      if (depth > max) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth -= 1;
  }
  return false;
}

/**
 * `express.json` with a size limit and a nesting bound checked before parsing. Mounted
 * per route, after authentication (ApiRouter), so an anonymous request never costs a
 * parse; a route that streams raw bytes simply does not use it.
 */
export function jsonBody(limit: string, maxDepth = MAX_JSON_DEPTH): RequestHandler {
  return express.json({
    limit,
    verify: (_req, _res, buf, encoding) => {
      const bytes = !encoding || /^utf-?8$/i.test(encoding) ? buf : new TextEncoder().encode(new TextDecoder(encoding).decode(buf));
      if (nestsDeeperThan(bytes, maxDepth)) throw new BodyTooDeepError(maxDepth);
    },
  });
}

/** Runs a body parser as a promise (rejects with the parser's error, e.g. 413 or malformed JSON). */
export function parseBody(parser: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    parser(req, res, (error?: unknown) => (error ? reject(error) : resolve()));
  });
}
