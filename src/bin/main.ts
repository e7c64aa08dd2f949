import { ConfigError, loadConfig, type Config } from '../lib/config';
import { createLogger, type Logger } from '../lib/logger';

/**
 * Shared entry-point plumbing: validated config (a bad value prints one line and exits
 * 1), one logger, SIGTERM/SIGINT → graceful stop, and crash logging.
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
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
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
