import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Pool, type Client as PgClient } from 'pg';
import { computeStreak, localDate } from '../../src/components/streaks/streak.rules';
import { defaultJobOptions, QUEUE_NAMES, type PersistSessionJob } from '../../src/lib/queues';
import { bullConnection } from '../../src/lib/redis';
import { boardReader, type BoardReader } from '../lib/boards';
import { checksFor } from '../lib/checks';
import { prepareDatabase, seedPopulation, seedSessions, userId, withPg } from '../lib/fixtures';
import { merge, newHistogram, nowUs, summary, type LatencySummary } from '../lib/hist';
import { ratio, round, startClients, stopClients, type BenchEnv, type Client, type Row, type ScenarioResult } from '../lib/harness';
import { runScript, startApi, startBare, startWorkerProc, waitFor } from '../lib/procs';
import { makeSigner } from '../lib/tokens';

function sessionJobs(count: number, users: number, groupSize: number): PersistSessionJob[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const u = i % users;
    const duration = 600 + (i % 50) * 60;
    // Spread over the last 5 days so streaks have something to count.
    const ended = now - ((i * 7919) % (5 * 86_400)) * 1000;
    return {
      sessionUuid: randomUUID(),
      userId: userId(u),
      groupId: Math.floor(u / groupSize) + 1,
      startedAt: new Date(ended - duration * 1000).toISOString(),
      endedAt: new Date(ended).toISOString(),
      durationSeconds: duration,
      notes: null,
    };
  });
}

/** Adds the jobs to a paused queue (BullMQ `pause()`), so that `resume()` releases them all at once. */
async function enqueuePaused(env: BenchEnv, name: string, jobs: PersistSessionJob[]): Promise<Queue> {
  const queue = new Queue(name, { connection: bullConnection(env.redisUrl, false), prefix: `${env.redisPrefix}bull`, defaultJobOptions });
  await queue.pause();
  for (let i = 0; i < jobs.length; i += 1000) {
    await queue.addBulk(jobs.slice(i, i + 1000).map((data) => ({ name: 'persist-session', data, opts: { jobId: data.sessionUuid } })));
  }
  return queue;
}

/** What "stored" means for the jobs: per user total and streak, per group board. */
interface Expected {
  count: number;
  total: number;
  totals: Map<string, number>;
  streaks: Map<string, { current: number; longest: number; last: string | null }>;
  boards: Map<number, Map<string, number>>;
}

function expectedOf(jobs: PersistSessionJob[]): Expected {
  const totals = new Map<string, number>();
  const days = new Map<string, string[]>();
  const boards = new Map<number, Map<string, number>>();
  for (const j of jobs) {
    totals.set(j.userId, (totals.get(j.userId) ?? 0) + j.durationSeconds);
    // The fixture's users have no time zone preference: their days are UTC days of startedAt.
    days.set(j.userId, [...(days.get(j.userId) ?? []), localDate(new Date(j.startedAt), 'UTC')]);
    if (j.groupId !== null) {
      const board = boards.get(j.groupId) ?? new Map<string, number>();
      board.set(j.userId, (board.get(j.userId) ?? 0) + j.durationSeconds);
      boards.set(j.groupId, board);
    }
  }
  const today = localDate(new Date(), 'UTC');
  const streaks = new Map(
    [...days].map(([user, list]) => {
      const s = computeStreak(list, today);
      return [user, { current: s.currentStreak, longest: s.longestStreak, last: s.lastActiveDate }] as const;
    }),
  );
  return { count: jobs.length, total: [...totals.values()].reduce((a, b) => a + b, 0), totals, streaks, boards };
}

/**
 * What is still missing of `expected`: session rows, users' totals, streak rows (equal to
 * the recomputation over the sessions' days) and the Redis boards (`all` and `7d`, every
 * user's seconds, through the store's reader). The cheap counts are read first; the
 * rows and boards only once the counts are complete.
 */
async function missing(pg: PgClient, boards: BoardReader, expected: Expected): Promise<string | undefined> {
  const { rows } = await pg.query(
    'SELECT (SELECT count(*)::int FROM study_sessions) AS sessions, (SELECT coalesce(sum(total_study_time), 0)::bigint FROM users) AS total',
  );
  const sessions = Number(rows[0].sessions);
  const total = Number(rows[0].total);
  if (sessions < expected.count || total < expected.total) return `${sessions}/${expected.count} sessions, ${total}/${expected.total} s in totals`;
  const users = await pg.query<{ user_id: string; total: number }>('SELECT user_id, total_study_time AS total FROM users');
  const wrongTotals = users.rows.filter((u) => expected.totals.has(u.user_id) && Number(u.total) !== expected.totals.get(u.user_id)).length;
  if (wrongTotals) return `${wrongTotals} users' totals not final`;
  const streaks = await pg.query<{ user_id: string; current: number; longest: number; last: string | null }>(
    `SELECT user_id, current_streak AS current, longest_streak AS longest, to_char(last_active_date, 'YYYY-MM-DD') AS last FROM streaks`,
  );
  const byUser = new Map(streaks.rows.map((r) => [r.user_id, r]));
  let wrongStreaks = 0;
  for (const [user, want] of expected.streaks) {
    const got = byUser.get(user);
    if (!got || got.current !== want.current || got.longest !== want.longest || got.last !== want.last) wrongStreaks += 1;
  }
  if (wrongStreaks) return `${wrongStreaks} streaks not final`;
  let wrongBoards = 0;
  for (const [groupId, want] of expected.boards) {
    for (const period of ['all', '7d'] as const) {
      const board = await boards.read(groupId, period);
      if (!board) {
        wrongBoards += want.size;
        continue;
      }
      for (const [user, seconds] of want) if (board.get(user) !== seconds) wrongBoards += 1;
    }
  }
  if (wrongBoards) return `${wrongBoards} board entries not final`;
  return undefined;
}

/**
 * 5. Session persistence: 20,000 stops enqueued at once (into a paused queue, then
 * released); sessions/s until every session row, user total, streak and Redis
 * leaderboard entry is stored, against a no-op BullMQ worker draining the same 20,000
 * jobs the same way (and, for scale, a plain multi-row INSERT of the rows).
 */
export async function sessions(env: BenchEnv): Promise<ScenarioResult> {
  const count = Math.round(20_000 * env.scale);
  const users = Math.max(100, Math.round(2000 * env.scale));
  const groupSize = 100;
  await prepareDatabase(env.databaseUrl);
  await withPg(env.databaseUrl, (pg) => seedPopulation(pg, users, groupSize));
  const jobs = sessionJobs(count, users, groupSize);
  const expected = expectedOf(jobs);
  const notes: string[] = [];
  const rows: Row[] = [];
  const drainLimitMs = Math.max(60_000, count * 12);

  // Reference: a plain multi-row INSERT of the same rows (temp table with the same indexes and CHECKs, no FKs).
  const insertMs = await withPg(env.databaseUrl, async (pg) => {
    await pg.query('CREATE TEMP TABLE ss_copy (LIKE study_sessions INCLUDING ALL)');
    const t = Date.now();
    for (let i = 0; i < jobs.length; i += 1000) {
      const chunk = jobs.slice(i, i + 1000);
      await pg.query(
        `INSERT INTO ss_copy (session_uuid, user_id, group_id, duration_seconds, raw_seconds, session_date, started_at, ended_at)
         SELECT u::uuid, us, g, d, d, s::timestamptz, s::timestamptz, e::timestamptz FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[]) AS t(u, us, g, d, s, e)`,
        [
          chunk.map((j) => j.sessionUuid),
          chunk.map((j) => j.userId),
          chunk.map((j) => j.groupId),
          chunk.map((j) => j.durationSeconds),
          chunk.map((j) => j.startedAt),
          chunk.map((j) => j.endedAt),
        ],
      );
    }
    return Date.now() - t;
  });

  // Baseline: a no-op BullMQ worker (same concurrency) releasing the same jobs from a paused queue.
  const noop = runScript('bench/noop-worker.ts', {
    REDIS_URL: env.redisUrl,
    QUEUE: 'bench-noop',
    PREFIX: `${env.redisPrefix}bull`,
    CONCURRENCY: env.nodeEnv.WORKER_CONCURRENCY ?? '16',
  });
  await waitFor(
    () => {
      if (noop.child.exitCode !== null) throw new Error(`no-op worker exited: ${noop.output().slice(-500)}`);
      if (!noop.output().includes('worker running')) throw new Error('not yet');
    },
    20_000,
    100,
    'no-op worker ready',
  );
  const noopQueue = await enqueuePaused(env, 'bench-noop', jobs);
  let t = Date.now();
  await noopQueue.resume();
  await waitFor(
    async () => {
      // Completed jobs are trimmed to 10,000 (removeOnComplete), so wait for an empty queue.
      const c = await noopQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused');
      const left = Object.values(c).reduce((a, b) => a + b, 0);
      if (left > 0) throw new Error(`${left} left`);
    },
    drainLimitMs,
    100,
    'no-op worker drained',
  );
  const noopMs = Date.now() - t;
  await noopQueue.close();
  await noop.stop();

  // StudySync: the real worker, the same release, polled until everything is stored.
  let workerMs: number | undefined;
  let progress: string | undefined = 'not started';
  const boards = boardReader(env.redisUrl, env.redisPrefix);
  try {
    const worker = await startWorkerProc(env.nodeEnv);
    // The worker rebuilds the (empty) boards at start: let that finish before the release.
    await waitFor(
      async () => {
        for (const groupId of expected.boards.keys()) if (!(await boards.read(groupId, 'all'))) throw new Error(`group ${groupId}'s board not built yet`);
      },
      60_000,
      100,
      "the worker's start-up board rebuild",
    );
    const queue = await enqueuePaused(env, QUEUE_NAMES.sessions, jobs);
    await withPg(env.databaseUrl, async (pg) => {
      t = Date.now();
      await queue.resume();
      await waitFor(
        async () => {
          progress = await missing(pg, boards, expected);
          if (progress) throw new Error(progress);
        },
        drainLimitMs,
        100,
        'every session, total, streak and board entry stored',
      );
      workerMs = Date.now() - t;
    });
    await queue.close();
    const failed = worker.output().match(/"level":50/g)?.length ?? 0;
    if (failed) notes.push(`the worker logged ${failed} errors`);
    await worker.stop();
  } catch (error) {
    notes.push(`StudySync worker: ${(error as Error).message.slice(0, 300)} (still missing: ${progress})`);
  } finally {
    boards.close();
  }
  const perSec = (ms?: number): number => (ms ? round(count / (ms / 1000)) : 0);
  rows.push({
    metric: `${count} sessions: sessions/s until all stored`,
    studysync: perSec(workerMs),
    baseline: `${perSec(noopMs)} (no-op BullMQ)`,
    ratio: ratio(perSec(workerMs), perSec(noopMs)),
  });
  rows.push({
    metric: 'vs plain multi-row INSERT (rows/s)',
    studysync: perSec(workerMs),
    baseline: perSec(insertMs),
    ratio: ratio(perSec(workerMs), perSec(insertMs)),
  });
  rows.push({
    metric: 'time to store everything (s)',
    studysync: workerMs ? round(workerMs / 1000, 1) : 'n/a',
    baseline: `${round(noopMs / 1000, 1)} / ${round(insertMs / 1000, 1)}`,
    ratio: 'n/a',
  });
  notes.push(
    `Stored = ${count} session rows, every user's total, every streak row equal to the recomputation over the user's session days, and every user's seconds in the group's Redis boards (all and 7d, read through the store's readBoard); polled every 100 ms from the release of the paused queue.`,
  );
  const checks = checksFor('sessions', env.scale, {
    'sessions.per_sec': {
      value: workerMs ? count / (workerMs / 1000) : null,
      detail: workerMs ? `${count} in ${round(workerMs / 1000, 2)} s` : `not all stored: ${progress}`,
    },
    'sessions.ratio_noop': {
      value: workerMs ? noopMs / workerMs : null,
      detail: `${perSec(workerMs)} vs ${perSec(noopMs)} jobs/s (no-op worker)`,
    },
  });
  return {
    name: 'sessions',
    status: workerMs ? 'ok' : 'partial',
    rows,
    checks,
    notes,
    data: { count, users, workerMs, noopMs, insertMs, missing: workerMs ? undefined : progress },
  };
}

const SEED_LEADERBOARD_SQL = `
SELECT u.username, sum(s.duration_seconds) AS total_time, max(st.current_streak) AS streak
FROM users u
JOIN study_sessions s ON u.user_id = s.user_id
JOIN streaks st ON u.user_id = st.user_id
WHERE s.group_id = $1 AND s.session_date >= now() - interval '7 days'
GROUP BY u.user_id, u.username
ORDER BY sum(s.duration_seconds) DESC
LIMIT 10`;

interface Load extends LatencySummary {
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
}

/**
 * Untimed requests before a throughput measurement (each side, every route it serves):
 * these scenarios measure a node at steady state; a cold node is what fanout's first
 * step and the reconnect storm measure.
 */
async function warm(client: Client, url: string, tokens: Array<{ token: string; path: string }>, durationS: number): Promise<void> {
  await client.call('autocannon', { url, tokens, connections: 10, durationS }, durationS * 1000 + 60_000);
}

/** `connections` requests in flight for `durationS` through one client process; latency in µs. */
async function load(client: Client, url: string, tokens: Array<{ token: string; path: string }>, durationS: number): Promise<Load> {
  const r = await client.call('autocannon', { url, tokens, connections: 10, durationS }, durationS * 1000 + 60_000);
  return { rps: round(r.requestsPerSec), ok: r.ok, non2xx: r.non2xx, errors: r.errors, ...summary(merge([r.hist])) };
}

/** GETs `path` as `token`; the JSON body a bare route must answer to be "same-sized". */
async function probe(url: string, path: string, token: string): Promise<unknown> {
  const res = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

const latencyCell = (l?: Load): string => (l ? `${l.p50ms} / ${l.p99ms}` : 'n/a');

/**
 * 6. Leaderboard reads over 1,000,000 sessions / 10,000 users / 100 groups, 10
 * connections, boards in Redis (the worker has built them): against a bare Express
 * route answering the same JSON, and the seed's SQL leaderboard query (10 in flight).
 */
export async function leaderboard(env: BenchEnv): Promise<ScenarioResult> {
  const users = Math.round(10_000 * env.scale);
  const groupSize = 100;
  const count = Math.round(1_000_000 * env.scale);
  const groups = Math.ceil(users / groupSize);
  const notes: string[] = [];
  await prepareDatabase(env.databaseUrl);
  let t = Date.now();
  await withPg(env.databaseUrl, async (pg) => {
    await seedPopulation(pg, users, groupSize);
    await seedSessions(pg, count, users, groupSize);
  });
  notes.push(`seeded ${count} sessions in ${round((Date.now() - t) / 1000, 1)} s`);
  const durationS = env.scale >= 1 ? 8 : 3;
  const warmS = env.scale >= 1 ? 2 : 1;

  // Baseline 1: the seed's query, straight through pg, 10 in flight.
  const pool = new Pool({ connectionString: env.databaseUrl, max: 10 });
  const h = newHistogram();
  let done = 0;
  t = Date.now();
  const until = t + durationS * 1000;
  await Promise.all(
    Array.from({ length: 10 }, async (_, k) => {
      let i = k;
      while (Date.now() < until) {
        const s = nowUs();
        await pool.query(SEED_LEADERBOARD_SQL, [(i++ % groups) + 1]);
        h.recordValue(Math.max(1, nowUs() - s));
        done += 1;
      }
    }),
  );
  await pool.end();
  const sql = { rps: round(done / ((Date.now() - t) / 1000), 1), ...summary(h) };

  // StudySync: an API node and the worker, which builds every board at start.
  const sign = makeSigner(env.keys.privatePem);
  // Ten members of every group, the requests rotating over them.
  const tokens = Array.from({ length: groups * 10 }, (_, k) => {
    const g = k % groups;
    return { token: sign(userId(g * groupSize + Math.floor(k / groups))), path: `/api/groups/${g + 1}/leaderboard?period=7d&limit=10` };
  });
  const [client] = await startClients(1);
  let real: Load | undefined;
  let body: unknown;
  const api = await startApi(env.nodeEnv);
  const worker = await startWorkerProc(env.nodeEnv);
  const boards = boardReader(env.redisUrl, env.redisPrefix);
  try {
    t = Date.now();
    await waitFor(
      async () => {
        for (let g = 1; g <= groups; g += 1) if (!(await boards.read(g, '7d'))) throw new Error(`group ${g}'s board not built yet`);
      },
      120_000,
      250,
      'every board built',
    );
    notes.push(`the worker built the ${groups} groups' boards in ${round((Date.now() - t) / 1000, 1)} s after it started`);
    body = await probe(api.url, tokens[0]!.path, tokens[0]!.token);
    await warm(client!, api.url, tokens, warmS);
    real = await load(client!, api.url, tokens, durationS);
  } finally {
    boards.close();
    await Promise.all([api.stop(), worker.stop()]);
  }
  // Baseline 2: bare Express answering the very body StudySync answered.
  const bare = await startBare('express', { BARE_ROUTES: JSON.stringify([{ path: '/api/groups/:id/leaderboard', body }]) });
  await warm(client!, bare.url, tokens, warmS);
  const base = await load(client!, bare.url, tokens, durationS);
  await bare.stop();
  await stopClients([client!]);
  if (real.non2xx || real.errors) notes.push(`StudySync answered ${real.non2xx} non-2xx and ${real.errors} errors`);
  notes.push(
    `answer: ${JSON.stringify(body).length} bytes of JSON (period=7d, limit=10), the same body from the bare route; ${warmS} s of untimed requests on each side first; members of every group rotating (10 per group)`,
  );
  const rows: Row[] = [
    { metric: 'leaderboard requests/s (10 connections), boards in Redis', studysync: real.rps, baseline: base.rps, ratio: ratio(real.rps, base.rps) },
    { metric: 'p50 / p99 ms', studysync: latencyCell(real), baseline: latencyCell(base), ratio: ratio(real.p99ms, base.p99ms) },
    { metric: "vs the seed's SQL query (10 in flight): requests/s", studysync: real.rps, baseline: sql.rps, ratio: ratio(real.rps, sql.rps) },
    { metric: "the seed's SQL query p50 / p99 ms", studysync: '—', baseline: `${sql.p50ms} / ${sql.p99ms}`, ratio: 'n/a' },
  ];
  const okReal = real.ok > 0 && real.non2xx === 0;
  const checks = checksFor('leaderboard', env.scale, {
    'leaderboard.rps_ratio_bare': { value: okReal && base.rps > 0 ? real.rps / base.rps : null, detail: `${real.rps} vs ${base.rps} req/s` },
    'leaderboard.p99_ratio_bare': { value: okReal && base.p99ms > 0 ? real.p99ms / base.p99ms : null, detail: `${real.p99ms} vs ${base.p99ms} ms` },
    'leaderboard.vs_seed': { value: okReal && sql.rps > 0 ? real.rps / sql.rps : null, detail: `${real.rps} vs ${sql.rps} req/s (seed SQL)` },
  });
  return { name: 'leaderboard', status: okReal ? 'ok' : 'partial', rows, checks, notes, data: { users, groups, count, sql, real, bare: base } };
}

/**
 * 7. REST reads: `GET /api/me` and `GET /api/groups` (each user in 3 groups) against a
 * bare Express process answering the same JSON bodies, 10 connections each.
 */
export async function rest(env: BenchEnv): Promise<ScenarioResult> {
  const users = env.scale >= 1 ? 1000 : 200;
  const groupSize = 100;
  await prepareDatabase(env.databaseUrl);
  await withPg(env.databaseUrl, (pg) => seedPopulation(pg, users, groupSize, 2));
  const sign = makeSigner(env.keys.privatePem);
  const signed = Array.from({ length: users }, (_, i) => sign(userId(i)));
  const me = signed.map((token) => ({ token, path: '/api/me' }));
  const groups = signed.map((token) => ({ token, path: '/api/groups' }));
  const durationS = env.scale >= 1 ? 8 : 3;
  const warmS = env.scale >= 1 ? 2 : 1;
  const mixed = me.flatMap((m, i) => [m, groups[i]!]);
  const [client] = await startClients(1);
  const api = await startApi(env.nodeEnv);
  let meBody: unknown;
  let groupsBody: unknown;
  let realMe: Load;
  let realGroups: Load;
  try {
    meBody = await probe(api.url, '/api/me', signed[0]!);
    groupsBody = await probe(api.url, '/api/groups', signed[0]!);
    await warm(client!, api.url, mixed, warmS);
    realMe = await load(client!, api.url, me, durationS);
    realGroups = await load(client!, api.url, groups, durationS);
  } finally {
    await api.stop();
  }
  const bare = await startBare('express', {
    BARE_ROUTES: JSON.stringify([
      { path: '/api/me', body: meBody },
      { path: '/api/groups', body: groupsBody },
    ]),
  });
  await warm(client!, bare.url, mixed, warmS);
  const baseMe = await load(client!, bare.url, me, durationS);
  const baseGroups = await load(client!, bare.url, groups, durationS);
  await bare.stop();
  await stopClients([client!]);
  const notes: string[] = [];
  if (realMe.non2xx || realGroups.non2xx) notes.push(`non-2xx answers from the API node: /me ${realMe.non2xx}, /groups ${realGroups.non2xx}`);
  notes.push(
    `${users} users rotating (a token each), each a member of 3 groups of ${groupSize}; bodies: /me ${JSON.stringify(meBody).length} B, /groups ${JSON.stringify(groupsBody).length} B (the bare routes answer the same); ${warmS} s of untimed requests to both routes on each side first.`,
  );
  const okMe = realMe.ok > 0 && realMe.non2xx === 0;
  const okGroups = realGroups.ok > 0 && realGroups.non2xx === 0;
  const checks = checksFor('rest', env.scale, {
    'rest.me_ratio': { value: okMe && baseMe.rps > 0 ? realMe.rps / baseMe.rps : null, detail: `${realMe.rps} vs ${baseMe.rps} req/s` },
    'rest.groups_ratio': {
      value: okGroups && baseGroups.rps > 0 ? realGroups.rps / baseGroups.rps : null,
      detail: `${realGroups.rps} vs ${baseGroups.rps} req/s`,
    },
  });
  return {
    name: 'rest',
    status: okMe && okGroups ? 'ok' : 'partial',
    rows: [
      { metric: 'GET /api/me requests/s (10 connections)', studysync: realMe.rps, baseline: baseMe.rps, ratio: ratio(realMe.rps, baseMe.rps) },
      { metric: 'GET /api/me p50 / p99 ms', studysync: latencyCell(realMe), baseline: latencyCell(baseMe), ratio: ratio(realMe.p99ms, baseMe.p99ms) },
      {
        metric: 'GET /api/groups requests/s (10 connections)',
        studysync: realGroups.rps,
        baseline: baseGroups.rps,
        ratio: ratio(realGroups.rps, baseGroups.rps),
      },
      {
        metric: 'GET /api/groups p50 / p99 ms',
        studysync: latencyCell(realGroups),
        baseline: latencyCell(baseGroups),
        ratio: ratio(realGroups.p99ms, baseGroups.p99ms),
      },
    ],
    checks,
    notes,
    data: { users, real: { me: realMe, groups: realGroups }, bare: { me: baseMe, groups: baseGroups } },
  };
}
