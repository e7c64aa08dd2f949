import type { RequestHandler } from 'express';
import type { Histogram } from 'prom-client';
import type { Logger } from '../logger';

/** Paths polled by orchestrators and scrapers: measured, never logged. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** The level of a finished request's log line: 5xx error, 4xx info, the rest debug. */
export const requestLogLevel = (status: number): 'error' | 'info' | 'debug' => (status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug');

/**
 * One middleware for what every REST request leaves behind once its response is done (or
 * its connection closed first): the duration histogram by route template and status, and
 * one JSON log line `{req: {id, method, url}, res: {statusCode}, responseTime}` at the
 * level of its status (a request closed before its answer is logged at info as aborted).
 * It replaces pino-http, whose per-request child loggers cost about 15% of a cached
 * read's throughput (docs/PERFORMANCE.md): here nothing is built unless the line's level
 * is enabled, and one listener serves both the log and the metric.
 */
export function requestLogAndMetrics(logger: Logger, duration: Histogram<'method' | 'route' | 'status'>): RequestHandler {
  let lastId = 0;
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    lastId = (lastId + 1) & 0x7fffffff;
    const id = lastId;
    const done = (): void => {
      res.off('finish', done);
      res.off('close', done);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.statusCode;
      const route = (req.route?.path as string | undefined) ?? (status === 404 ? 'unmatched' : req.baseUrl || 'static');
      const finished = res.writableFinished;
      if (finished) duration.observe({ method: req.method, route, status }, seconds);
      const level = finished ? requestLogLevel(status) : 'info';
      if (QUIET_PATHS.has(req.path) || !logger.isLevelEnabled(level)) return;
      const line = { req: { id, method: req.method, url: req.originalUrl }, res: { statusCode: status }, responseTime: Math.round(seconds * 1000) };
      logger[level](line, finished ? 'request completed' : 'request aborted');
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
