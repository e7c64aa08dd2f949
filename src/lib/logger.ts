import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs; one child logger per component (`logger.child({ component })`).
 * Log errors under `err` (`logger.warn({ err: error }, '…')`), never `error.message`: the
 * `err` serializer keeps the type, message, stack and `cause` chain. Call `flush()` before
 * `process.exit` (src/lib/process.ts does) so the last line is not lost.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { pid: process.pid, ...base },
    serializers: { err: pino.stdSerializers.err },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.token'], remove: true },
  });
}
