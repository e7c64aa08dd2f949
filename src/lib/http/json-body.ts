import express, { type Request, type RequestHandler } from 'express';

/** Body-parser failures that are the client's fault but must not outrank authentication. */
const DEFERRED = new Set(['entity.parse.failed', 'encoding.unsupported', 'charset.unsupported']);
const deferred = new WeakMap<Request, unknown>();

/**
 * `express.json` whose malformed-body errors are held back until the route has
 * authenticated the caller (`takeDeferredBodyError`), so a request without a token is
 * 401 whatever its body. A body over the limit is still refused at once (413).
 */
export function jsonBody(limit: string): RequestHandler {
  const parse = express.json({ limit });
  return (req, res, next) => {
    parse(req, res, (error?: unknown) => {
      if (error && DEFERRED.has((error as { type?: string }).type ?? '')) {
        deferred.set(req, error);
        next();
        return;
      }
      next(error as Error | undefined);
    });
  };
}

/** The body-parser error held back for this request, if any (thrown by ApiRouter after auth). */
export function takeDeferredBodyError(req: Request): unknown {
  const error = deferred.get(req);
  deferred.delete(req);
  return error;
}
