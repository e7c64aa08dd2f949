import { createSequelize, createMigrator, ensureDatabase } from '../lib/db';
import { runMain } from '../lib/process';

/** `npm run migrate` (all up, creating the database if missing) and `npm run migrate:undo` (one down; `--all` for every one). */
void runMain('migrate', async (config, logger) => {
  const direction = process.argv[2] ?? 'up';
  if (direction === 'up' && (await ensureDatabase(config.databaseUrl))) logger.info('database created');
  const sequelize = createSequelize(config.databaseUrl);
  try {
    const migrator = createMigrator(sequelize);
    if (direction === 'up') {
      const done = await migrator.up();
      logger.info({ applied: done.map((m) => m.name) }, `${done.length} migration(s) applied`);
    } else if (direction === 'down') {
      const all = process.argv.includes('--all');
      const done = await migrator.down(all ? { to: 0 } : undefined);
      logger.info({ reverted: done.map((m) => m.name) }, `${done.length} migration(s) reverted`);
    } else {
      throw new Error(`unknown direction ${direction}`);
    }
  } finally {
    await sequelize.close();
  }
});
