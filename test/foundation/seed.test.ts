import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { isolate, type Isolation } from '../helpers/database';

const ROOT = path.resolve(__dirname, '..', '..');
const TABLES = [
  'users',
  'groups',
  'groupings',
  'study_sessions',
  'streaks',
  'resources',
  'resource_progress',
  'messages',
  'group_invitations',
  'notifications',
];

describe('npm run seed', () => {
  let iso: Isolation;
  let db: Client;

  const seed = (): string => {
    const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'seeders/run.ts')], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: iso.databaseUrl, REDIS_URL: iso.redisUrl, REDIS_KEY_PREFIX: iso.redisKeyPrefix, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    if (result.status !== 0) throw new Error(`seed exited ${result.status}: ${result.stdout}${result.stderr}`);
    return result.stdout;
  };
  const counts = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const table of TABLES) out[table] = (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    return out;
  };

  beforeAll(async () => {
    iso = await isolate();
    db = new Client({ connectionString: iso.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await iso.cleanup();
  });

  it('when run twice on a migrated database, then both runs succeed, the data is non-trivial and nothing is duplicated', async () => {
    seed();
    const first = await counts();
    expect(first.users).toBeGreaterThanOrEqual(40);
    expect(first.groups).toBeGreaterThanOrEqual(6);
    expect(first.groupings).toBeGreaterThanOrEqual(40);
    expect(first.study_sessions).toBeGreaterThan(1000);
    expect(first.streaks).toBe(first.users);
    for (const table of ['resources', 'resource_progress', 'messages', 'group_invitations', 'notifications']) expect(first[table]).toBeGreaterThan(3);

    seed();
    expect(await counts()).toEqual(first);
  }, 180_000);

  it('when seeded, then the demo data is consistent (totals, kinds of groups, nested folders, eight weeks of sessions)', async () => {
    const { rows: drift } = await db.query(
      'SELECT u.user_id FROM users u WHERE u.total_study_time <> (SELECT COALESCE(SUM(duration_seconds), 0) FROM study_sessions s WHERE s.user_id = u.user_id)',
    );
    expect(drift).toEqual([]);
    const { rows: kinds } = await db.query('SELECT DISTINCT group_type, visibility FROM groups ORDER BY 1, 2');
    expect(kinds).toHaveLength(4);
    const { rows: nested } = await db.query(
      'SELECT count(*)::int AS n FROM resources r JOIN resources p ON p.id = r.parent_folder_id WHERE p.parent_folder_id IS NOT NULL',
    );
    expect(nested[0].n).toBeGreaterThan(0);
    const { rows: span } = await db.query('SELECT extract(day FROM max(started_at) - min(started_at))::int AS days FROM study_sessions');
    expect(span[0].days).toBeGreaterThanOrEqual(50);
    const { rows: leaders } = await db.query("SELECT count(DISTINCT group_id)::int AS n FROM groupings WHERE role = 'leader'");
    expect(leaders[0].n).toBe((await db.query('SELECT count(*)::int AS n FROM groups')).rows[0].n);
    const { rows: alive } = await db.query('SELECT count(*)::int AS n FROM streaks WHERE current_streak > 1');
    expect(alive[0].n).toBeGreaterThan(0);

    // Notifications are dated when what they tell happened, not all at the instant of seeding.
    const { rows: when } = await db.query(
      `SELECT count(*)::int AS n, count(DISTINCT (user_id, created_at))::int AS per_user, count(DISTINCT created_at)::int AS distinct_times,
              max(created_at) < date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS before_today FROM notifications`,
    );
    expect(when[0].per_user).toBe(when[0].n);
    expect(when[0].distinct_times).toBeGreaterThan(when[0].n / 2);
    expect(when[0].before_today).toBe(true);
  });
});
