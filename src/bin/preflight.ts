import { Redis } from 'ioredis';
import { Client } from 'pg';
import type { Config } from '../lib/config';

/**
 * `npm start`'s first step: are PostgreSQL and Redis there? When one is not, say so in
 * plain words — which service, at which address, which variable points there, how to
 * start it — and exit 1, instead of a JSON log line with a stack trace.
 */
export interface ServiceProblem {
  service: 'PostgreSQL' | 'Redis';
  variable: 'DATABASE_URL' | 'REDIS_URL';
  /** host:port asked. */
  address: string;
  /** The URL without its password. */
  url: string;
  reason: string;
}

const TIMEOUT_MS = 3000;

function redact(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return raw;
  }
}

function addressOf(raw: string, defaultPort: number): string {
  try {
    const url = new URL(raw);
    return `${url.hostname || 'localhost'}:${url.port || defaultPort}`;
  } catch {
    return raw;
  }
}

/** A network error in words (the code is kept for those who search for it). */
function reasonOf(error: unknown): string {
  const e = error as { code?: string; message?: string };
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused: nothing is listening there';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'ETIMEDOUT':
    case 'TIMEOUT':
      return `no answer within ${TIMEOUT_MS / 1000} s`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host cannot be reached';
    case '28P01':
    case '28000':
      return `it refused the credentials (${e.message})`;
    default:
      return e.message || e.code || String(error);
  }
}

async function checkPostgres(databaseUrl: string): Promise<string | null> {
  // The server's own `postgres` database: the app's database may not exist yet (start creates it).
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    const message = (error as Error).message ?? '';
    return reasonOf(/timeout/i.test(message) && !(error as { code?: string }).code ? { code: 'TIMEOUT' } : error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis(redisUrl: string): Promise<string | null> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let lastError: unknown;
  redis.on('error', (error) => (lastError = error));
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (error) {
    const cause = lastError ?? error;
    return reasonOf((cause as { code?: string }).code ? cause : /timeout/i.test((cause as Error).message ?? '') ? { code: 'TIMEOUT' } : cause);
  } finally {
    redis.disconnect();
  }
}

/** Checks both services at once; the problems found (none when both answer). */
export async function checkServices(config: Pick<Config, 'databaseUrl' | 'redisUrl'>): Promise<ServiceProblem[]> {
  const [pg, redis] = await Promise.all([checkPostgres(config.databaseUrl), checkRedis(config.redisUrl)]);
  const problems: ServiceProblem[] = [];
  if (pg)
    problems.push({
      service: 'PostgreSQL',
      variable: 'DATABASE_URL',
      address: addressOf(config.databaseUrl, 5432),
      url: redact(config.databaseUrl),
      reason: pg,
    });
  if (redis) problems.push({ service: 'Redis', variable: 'REDIS_URL', address: addressOf(config.redisUrl, 6379), url: redact(config.redisUrl), reason: redis });
  return problems;
}

const START_COMMANDS: Record<ServiceProblem['service'], [string, string][]> = {
  PostgreSQL: [
    ['sudo service postgresql start', 'Debian/Ubuntu'],
    ['brew services start postgresql', 'macOS, Homebrew'],
  ],
  Redis: [
    ['sudo service redis-server start', 'Debian/Ubuntu'],
    ['brew services start redis', 'macOS, Homebrew'],
  ],
};

/** The message for people: one paragraph per unreachable service, then the Docker way for both. */
export function describeProblems(problems: ServiceProblem[]): string {
  const names = problems.map((p) => p.service).join(' and ');
  const lines = [`StudySync cannot start: ${names} ${problems.length > 1 ? 'are' : 'is'} not reachable.`, ''];
  for (const p of problems) {
    lines.push(`  ${p.service} at ${p.address}: ${p.reason}.`);
    lines.push(`    The address comes from ${p.variable}: ${p.url}`);
    for (const [i, [command, where]] of START_COMMANDS[p.service].entries()) {
      lines.push(`    ${i === 0 ? 'Start it:' : '         '} ${command.padEnd(34)} (${where})`);
    }
    lines.push(`    or set ${p.variable} to where ${p.service} runs.`, '');
  }
  lines.push('  Or run both with Docker, from this repository:');
  lines.push('    docker compose up -d postgres redis');
  lines.push('    DATABASE_URL=postgres://postgres:studysync@127.0.0.1:5432/studysync npm start', '');
  return lines.join('\n');
}

/** Prints the problems and exits 1 when a service is unreachable; returns when both answer. */
export async function preflight(config: Pick<Config, 'databaseUrl' | 'redisUrl'>): Promise<void> {
  const problems = await checkServices(config);
  if (problems.length === 0) return;
  process.stderr.write(describeProblems(problems));
  process.exit(1);
}
