import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { dbUrl, PG_BASE, TEMPLATE_DB } from './helpers/env';

/**
 * Once per `jest` run: a freshly migrated template database. Every test file clones it
 * (CREATE DATABASE … TEMPLATE, a file copy) so files run in parallel on clean state.
 */
export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'studysync_t\\_%' OR datname = $1", [TEMPLATE_DB]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${TEMPLATE_DB}"`);
  } finally {
    await admin.end();
  }
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [require.resolve('tsx/cli'), path.join(root, 'src/bin/migrate.ts'), 'up'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: dbUrl(TEMPLATE_DB), LOG_LEVEL: 'warn' },
    stdio: 'inherit',
  });
}
