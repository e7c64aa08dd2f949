import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { dbUrl, ownerPid, PG_BASE } from './helpers/env';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Once per `jest` run: a freshly migrated template database of this run's own. Every test
 * file clones it (CREATE DATABASE … TEMPLATE, a file copy), so files run in parallel on
 * clean state. Leftovers of runs whose process is gone are dropped; live runs are left be.
 */
export default async function globalSetup(): Promise<void> {
  const template = `studysync_tpl_${process.pid}`;
  process.env.STUDYSYNC_TEST_TEMPLATE = template;
  const admin = new Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'studysync\\_t%'");
    for (const { datname } of rows) {
      const pid = ownerPid(datname);
      if (datname === template || (pid !== undefined && !alive(pid))) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE "${template}"`);
  } finally {
    await admin.end();
  }
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [require.resolve('tsx/cli'), path.join(root, 'src/bin/migrate.ts'), 'up'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: dbUrl(template), LOG_LEVEL: 'warn' },
    stdio: 'inherit',
  });
}
