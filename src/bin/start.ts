import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createMigrator, createSequelize, ensureDatabase } from '../lib/db';
import { runMain } from './main';
import { preflight } from './preflight';

/**
 * `npm start`: the one command for a single machine. Creates the database if missing,
 * migrates, then runs one API node and one worker as child processes (each its own
 * process, as in production) and stops both on SIGINT/SIGTERM.
 */
void runMain('start', async (config, logger) => {
  await preflight(config);
  if (await ensureDatabase(config.databaseUrl)) logger.info('database created');
  const sequelize = createSequelize(config.databaseUrl);
  try {
    const applied = await createMigrator(sequelize).up();
    logger.info(`${applied.length} migration(s) applied`);
  } finally {
    await sequelize.close();
  }
  const ext = path.extname(__filename);
  const runner = ext === '.ts' ? ['--import', 'tsx'] : [];
  const children: ChildProcess[] = ['api', 'worker'].map((role) =>
    spawn(process.execPath, [...runner, path.join(__dirname, `${role}${ext}`)], { stdio: 'inherit', env: process.env }),
  );
  let stopping = false;
  for (const child of children) {
    child.on('exit', (code, signal) => {
      if (stopping) return;
      logger.error({ pid: child.pid, code, signal }, 'a child process exited; stopping');
      stopping = true;
      for (const other of children) other.kill('SIGTERM');
      process.exitCode = 1;
    });
  }
  logger.info({ url: `http://localhost:${config.port}` }, 'StudySync is starting: API node and worker');
  return {
    stop: async () => {
      stopping = true;
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
});
