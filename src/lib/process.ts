import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';

/**
 * Shared entry-point plumbing: validated config (a bad value prints one line and exits
 * 1), one logger, SIGTERM/SIGINT → graceful stop, and process-level errors.
 *
 * An unhandled rejection or an uncaught exception leaves the process in an unknown state
 * (a half-done write, a timer or a connection in a state nobody handles): it is logged as
 * `fatal` with its stack and the process exits 1 at once, as Node's default does, so the
 * orchestrator (compose `restart:`, Kubernetes, systemd) starts a clean one; under
 * `npm start` (start.ts) the other process is stopped too and the command exits 1.
 * Nothing acknowledged is lost by that: timers live in Redis, and a job being processed is
 * retried by another worker once its lock expires.
 */
export async function runMain(role: string, main: (config: Config, logger: Logger) => Promise<{ stop(): Promise<void> } | void>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, { role });
  const crash = (what: string, error: unknown): void => {
    logger.fatal({ err: error }, `${what}: exiting`);
    logger.flush();
    process.exit(1);
  };
  process.on('unhandledRejection', (reason) => crash('unhandled rejection', reason));
  process.on('uncaughtException', (error) => crash('uncaught exception', error));
  try {
    const running = await main(config, logger);
    if (!running) return;
    let stopping = false;
    const shutdown = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 30_000);
      force.unref();
      running
        .stop()
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          logger.error({ err: error }, 'error while stopping');
          process.exit(1);
        });
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  } catch (error) {
    logger.fatal({ err: error }, `${role} failed to start`);
    process.exit(1);
  }
}
