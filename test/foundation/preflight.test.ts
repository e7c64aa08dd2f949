import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PG_BASE } from '../helpers/env';
import { freePort } from '../helpers/processes';

const ROOT = path.resolve(__dirname, '..', '..');

/** `npm start` (src/bin/start.ts) with a service down: plain words, the variable, how to start it, exit 1. */
function start(env: Record<string, string>): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/bin/start.ts')], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('npm start when a service is down', () => {
  it('when neither PostgreSQL nor Redis answers, then it names both, their addresses, variables and start commands, and exits 1', async () => {
    const [pgPort, redisPort] = [await freePort(), await freePort()];
    const run = start({ DATABASE_URL: `postgres://postgres:s3cret@127.0.0.1:${pgPort}/studysync`, REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('StudySync cannot start: PostgreSQL and Redis are not reachable.');
    expect(run.stderr).toContain(`PostgreSQL at 127.0.0.1:${pgPort}: connection refused`);
    expect(run.stderr).toContain(`The address comes from DATABASE_URL: postgres://postgres:***@127.0.0.1:${pgPort}/studysync`);
    expect(run.stderr).toContain('sudo service postgresql start');
    expect(run.stderr).toContain(`Redis at 127.0.0.1:${redisPort}: connection refused`);
    expect(run.stderr).toContain(`The address comes from REDIS_URL: redis://127.0.0.1:${redisPort}`);
    expect(run.stderr).toContain('sudo service redis-server start');
    expect(run.stderr).toContain('docker compose up -d postgres redis');
    // Words for people, not a log line with a stack trace; the password is not printed.
    expect(run.stderr).not.toMatch(/"level"|\n\s+at /);
    expect(run.stderr + run.stdout).not.toContain('s3cret');
  }, 60_000);

  it('when only Redis is down, then only Redis is named', async () => {
    const redisPort = await freePort();
    const run = start({ DATABASE_URL: `${PG_BASE}/postgres`, REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('StudySync cannot start: Redis is not reachable.');
    expect(run.stderr).toContain('REDIS_URL');
    expect(run.stderr).not.toContain('PostgreSQL at');
  }, 60_000);
});
