import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase } from '../../src/lib/db';
import { dbUrl } from '../helpers/env';

const ROOT = path.resolve(__dirname, '..', '..');
const SEED_TABLES = [
  'group_invitations',
  'groupings',
  'groups',
  'messages',
  'notifications',
  'resource_progress',
  'resources',
  'streaks',
  'study_sessions',
  'users',
];

describe('migrations', () => {
  // Not under the studysync_t_ prefix that test/global-setup.ts sweeps: a concurrent jest
  // run must not drop this scratch database mid-migration.
  const name = `studysync_mig_${process.pid}_${randomBytes(3).toString('hex')}`;
  const url = dbUrl(name);

  const migrate = (...args: string[]): void => {
    const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'src/bin/migrate.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (result.status !== 0) throw new Error(`migrate ${args.join(' ')} exited ${result.status}: ${result.stdout}${result.stderr}`);
  };

  const tables = async (): Promise<string[]> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
      );
      return rows.map((r) => r.table_name);
    } finally {
      await client.end();
    }
  };

  afterAll(async () => {
    await dropDatabase(url, name);
  });

  it('when migrated up, undone down to nothing and migrated up again on a scratch database, then every step succeeds and the ten seed tables exist', async () => {
    migrate('up'); // creates the database too
    expect(await tables()).toEqual(expect.arrayContaining([...SEED_TABLES, 'webhook_events', 'uploads']));

    migrate('down', '--all');
    expect((await tables()).filter((t) => t !== 'sequelize_meta')).toEqual([]);

    migrate('up');
    expect(await tables()).toEqual(expect.arrayContaining([...SEED_TABLES, 'webhook_events', 'uploads']));
  }, 180_000);

  it('when migrate runs on an up-to-date database, then it applies nothing and succeeds', async () => {
    await ensureDatabase(url);
    expect(() => migrate('up')).not.toThrow();
  }, 60_000);
});
