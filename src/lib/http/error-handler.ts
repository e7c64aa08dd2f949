import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../errors';
import { toAppError } from '../error-mapping';
import type { Logger } from '../logger';
import { RateLimitedError } from '../rate-limit';

interface HttpLayerError extends Error {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  limit?: number;
}

const kilobytes = (bytes: number | undefined): string => (bytes ? `${Math.round(bytes / 1024)} KB` : 'the limit');

/** Turns body-parser and routing failures (the client's mistakes) into the contract's codes. */
function fromHttpLayer(error: HttpLayerError): AppError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  switch (error.type) {
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', `The body is larger than ${kilobytes(error.limit)}`);
    case 'entity.parse.failed':
      return new AppError('VALIDATION_FAILED', 'The body is not valid JSON', [{ field: 'body', message: 'malformed JSON' }]);
    case 'entity.too.deep':
      return new AppError('VALIDATION_FAILED', 'The body is nested too deep', [{ field: 'body', message: error.message }]);
    case 'encoding.unsupported':
    case 'charset.unsupported':
    case 'entity.verify.failed':
    case 'request.size.invalid':
    case 'request.aborted':
      return new AppError('VALIDATION_FAILED', 'Unsupported body encoding', [{ field: 'body', message: error.message }]);
    default:
      break;
  }
  // Express's router could not percent-decode a path parameter (`/api/groups/%E0%A4%A`).
  if (error instanceof URIError) {
    return new AppError('VALIDATION_FAILED', 'The path is not valid percent-encoding', [{ field: 'params', message: 'malformed percent-encoding' }]);
  }
  // Other client errors raised by Express's own layers (e.g. static files: a malformed path).
  const status = error.status ?? error.statusCode;
  if (error.expose && typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 404) return new AppError('NOT_FOUND', 'Not found');
    return new AppError('VALIDATION_FAILED', 'Bad request', [{ field: 'path', message: error.message }]);
  }
  return undefined;
}

/** The one Express error handler: whitelisted codes only, never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = fromHttpLayer(error as HttpLayerError) ?? toAppError(error);
    if (appError.code === 'INTERNAL') logger.error({ err: error, method: req.method, url: req.originalUrl }, 'unhandled error');
    else if (appError.code === 'UNAVAILABLE') logger.warn({ err: error, url: req.originalUrl }, 'dependency unavailable');
    if (res.headersSent) {
      res.end();
      return;
    }
    if (appError instanceof RateLimitedError) res.set('Retry-After', String(appError.retryAfterSeconds));
    res.status(appError.status).json({ error: appError.toJSON() });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `No route ${req.method} ${req.originalUrl.split('?')[0]}`));
};
