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

const children = new WeakMap<Logger, Map<string, Logger>>();

/**
 * `parent.child({ component, event })`, made once per parent, component and event and then
 * shared. For code that runs per socket or per event: a pino child is an object of its
 * own (with its serialized bindings), and a socket registering a dozen handlers would
 * otherwise carry a dozen of them for its whole life.
 */
export function componentLogger(parent: Logger, component: string, event?: string): Logger {
  let byKey = children.get(parent);
  if (!byKey) {
    byKey = new Map();
    children.set(parent, byKey);
  }
  const key = event === undefined ? component : `${component}\u0000${event}`;
  let child = byKey.get(key);
  if (!child) {
    child = parent.child(event === undefined ? { component } : { component, event });
    byKey.set(key, child);
  }
  return child;
}
