import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../errors';
import { toAppError } from '../error-mapping';
import type { Logger } from '../logger';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** Turns body-parser failures into the contract's codes. */
function fromBodyParser(error: BodyParserError): AppError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', 'The body is larger than 1 MB');
    case 'entity.parse.failed':
      return new AppError('VALIDATION_FAILED', 'The body is not valid JSON', [{ field: 'body', message: 'malformed JSON' }]);
    case 'encoding.unsupported':
    case 'charset.unsupported':
    case 'request.size.invalid':
      return new AppError('VALIDATION_FAILED', 'Unsupported body encoding', [{ field: 'body', message: error.message }]);
    default:
      return undefined;
  }
}

/** The one Express error handler: whitelisted codes only, never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = fromBodyParser(error as BodyParserError) ?? toAppError(error);
    if (appError.code === 'INTERNAL') logger.error({ err: error, method: req.method, url: req.originalUrl }, 'unhandled error');
    else if (appError.code === 'UNAVAILABLE') logger.warn({ err: error, url: req.originalUrl }, 'dependency unavailable');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(appError.status).json({ error: appError.toJSON() });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `No route ${req.method} ${req.originalUrl.split('?')[0]}`));
};
