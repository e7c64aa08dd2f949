import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createMigrator, createSequelize, ensureDatabase } from '../lib/db';
import { runMain } from '../lib/process';
import { preflight } from './preflight';

/**
 * The one command for a single machine: `npm start` (builds, then runs this file from
 * dist/) or `npm run dev` (runs it through tsx, no build). Creates the database if
 * missing, migrates, then runs one API node and one worker as child processes (each its
 * own process, as in production) and stops both on SIGINT/SIGTERM.
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
  // Compiled (`npm start` runs dist/src/bin/start.js): the children run the compiled entry
  // points with source-mapped stack traces. Under tsx (`npm run dev`): the TypeScript ones.
  const ext = path.extname(__filename);
  const runner = ext === '.ts' ? ['--import', 'tsx'] : ['--enable-source-maps'];
  // The entry points: this folder's api, and the worker's own (workers/main) beside src/.
  const entries = [path.join(__dirname, `api${ext}`), path.join(__dirname, '..', '..', 'workers', `main${ext}`)];
  const children: ChildProcess[] = entries.map((entry) => spawn(process.execPath, [...runner, entry], { stdio: 'inherit', env: process.env }));
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
