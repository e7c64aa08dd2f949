import { Client } from 'pg';
import { PG_BASE } from './helpers/env';

/** Drops this run's template (each file drops its own clone). */
export default async function globalTeardown(): Promise<void> {
  const template = process.env.STUDYSYNC_TEST_TEMPLATE;
  if (!template) return;
  const admin = new Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
