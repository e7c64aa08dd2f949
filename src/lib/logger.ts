import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; one child logger per component (`logger.child({ component })`). */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { pid: process.pid, ...base },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.token'], remove: true },
  });
}
