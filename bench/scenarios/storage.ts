import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { defaultJobOptions, type PersistSessionJob } from '../../src/lib/queues';
import { bullConnection } from '../../src/lib/redis';
import { prepareDatabase, seedPopulation, seedSessions, userId, withPg } from '../lib/fixtures';
import { newHistogram, nowUs, summary } from '../lib/hist';
import { ratio, round, startClients, stopClients, type BenchEnv, type Row, type ScenarioResult } from '../lib/harness';
import { runScript, startApi, startWorkerProc, waitFor } from '../lib/procs';
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

async function enqueue(redisUrl: string, name: string, jobs: PersistSessionJob[]): Promise<void> {
  const queue = new Queue(name, { connection: bullConnection(redisUrl, false), prefix: 'bench:bull', defaultJobOptions });
  try {
    for (let i = 0; i < jobs.length; i += 1000) {
      await queue.addBulk(jobs.slice(i, i + 1000).map((data) => ({ name: 'persist-session', data, opts: { jobId: data.sessionUuid } })));
    }
  } finally {
    await queue.close();
  }
}

/** 4. Session persistence: 20,000 persist-session jobs at once. */
export async function sessions(env: BenchEnv): Promise<ScenarioResult> {
  const count = Math.round(20_000 * env.scale);
  const users = Math.max(100, Math.round(2000 * env.scale));
  const groupSize = 100;
  await prepareDatabase(env.databaseUrl);
  await withPg(env.databaseUrl, (pg) => seedPopulation(pg, users, groupSize));
  const jobs = sessionJobs(count, users, groupSize);
  const expectedTotal = jobs.reduce((a, j) => a + j.durationSeconds, 0);
  const notes: string[] = [];
  const rows: Row[] = [];

  // Baseline A: a plain multi-row INSERT of the same rows (temp table with the same indexes and CHECKs, no FKs).
  const insertMs = await withPg(env.databaseUrl, async (pg) => {
    await pg.query('CREATE TEMP TABLE ss_copy (LIKE study_sessions INCLUDING ALL)');
    const t = Date.now();
    for (let i = 0; i < jobs.length; i += 1000) {
      const chunk = jobs.slice(i, i + 1000);
      await pg.query(
        `INSERT INTO ss_copy (session_uuid, user_id, group_id, duration_seconds, session_date, started_at, ended_at)
         SELECT u::uuid, us, g, d, s::timestamptz, s::timestamptz, e::timestamptz FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[]) AS t(u, us, g, d, s, e)`,
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

  // Baseline B: a bare BullMQ no-op worker on the same number of jobs.
  const noop = runScript('bench/noop-worker.ts', { REDIS_URL: env.redisUrl, QUEUE: 'bench-noop', CONCURRENCY: env.nodeEnv.WORKER_CONCURRENCY ?? '16' });
  await waitFor(() => {
    if (!noop.output().includes('worker running')) throw new Error('not yet');
  }, 20_000);
  const noopQueue = new Queue('bench-noop', { connection: bullConnection(env.redisUrl, false), prefix: 'bench:bull' });
  let t = Date.now();
  await enqueue(env.redisUrl, 'bench-noop', jobs);
  await waitFor(
    async () => {
      // Completed jobs are trimmed to 10,000 (removeOnComplete), so wait for an empty queue.
      const c = await noopQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      const left = (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
      if (left > 0) throw new Error(`${left} left`);
    },
    120_000,
    100,
    'no-op worker drained',
  );
  const noopMs = Date.now() - t;
  await noopQueue.close();
  await noop.stop();

  // StudySync: the real worker; jobs fired at once, then poll until everything is stored.
  let workerMs: number | undefined;
  let progress = { sessions: 0, total: 0, streakUsers: 0 };
  try {
    const worker = await startWorkerProc({ ...env.nodeEnv, LOG_LEVEL: 'warn' });
    t = Date.now();
    await enqueue(env.redisUrl, 'sessions', jobs);
    await withPg(env.databaseUrl, (pg) =>
      waitFor(
        async () => {
          const { rows: r } = await pg.query(
            `SELECT (SELECT count(*)::int FROM study_sessions) AS sessions, (SELECT coalesce(sum(total_study_time), 0)::bigint FROM users) AS total,
                  (SELECT count(*)::int FROM streaks WHERE last_active_date IS NOT NULL) AS streak_users`,
          );
          progress = { sessions: r[0].sessions, total: Number(r[0].total), streakUsers: r[0].streak_users };
          if (progress.sessions < count || progress.total < expectedTotal || progress.streakUsers < users) throw new Error(JSON.stringify(progress));
        },
        240_000,
        250,
        'every session, total and streak stored',
      ),
    );
    workerMs = Date.now() - t;
    await worker.stop();
  } catch (error) {
    notes.push(`StudySync worker: ${(error as Error).message.slice(0, 300)} (progress ${JSON.stringify(progress)}; needs issue 5: workers/processors)`);
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
    "Stored = sessions rows, users.total_study_time sums and streak rows (last_active_date set) all complete; Redis leaderboards are not polled (their layout is the worker's).",
  );
  return { name: 'sessions', status: workerMs ? 'ok' : 'partial', rows, notes, data: { count, users, workerMs, noopMs, insertMs, progress } };
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

/** 5. Leaderboard reads over 1,000,000 sessions, 10,000 users, 100 groups. */
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
  const durationS = env.scale >= 1 ? 6 : 3;

  // Baseline: the seed's query, straight through pg, 10 in flight.
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
  const sql = { rps: round(done / ((Date.now() - t) / 1000)), ...summary(h) };

  const api = await startApi(env.nodeEnv);
  const sign = makeSigner(env.keys.privatePem);
  const tokens = Array.from({ length: groups }, (_, g) => ({
    token: sign(userId(g * groupSize + 1)),
    path: `/api/groups/${g + 1}/leaderboard?period=7d&limit=10`,
  }));
  const probe = await fetch(api.url + tokens[0]!.path, { headers: { authorization: `Bearer ${tokens[0]!.token}` } });
  const probeBody = await probe.text();
  let real: any;
  let cold: any;
  if (probe.status !== 200) {
    notes.push(`GET /api/groups/:id/leaderboard answered ${probe.status} ${probeBody.slice(0, 120)} — waits on issue 5 (leaderboards)`);
  } else {
    const [client] = await startClients(1);
    // Cold: no worker, so no Redis boards: every read computes from PostgreSQL.
    cold = await client!.call('autocannon', { url: api.url, tokens, connections: 10, durationS }, durationS * 1000 + 60_000);
    // Warm: a worker rebuilds the boards the reads asked for; measure once the queue is idle.
    try {
      const worker = await startWorkerProc({ ...env.nodeEnv, LOG_LEVEL: 'warn' });
      const queue = new Queue('maintenance', { connection: bullConnection(env.redisUrl, false), prefix: 'bench:bull' });
      await waitFor(
        async () => {
          const c = await queue.getJobCounts('waiting', 'active', 'prioritized');
          if ((c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) > 0) throw new Error(JSON.stringify(c));
        },
        60_000,
        250,
        'leaderboard rebuilds done',
      );
      await queue.close();
      real = await client!.call('autocannon', { url: api.url, tokens, connections: 10, durationS }, durationS * 1000 + 60_000);
      await worker.stop();
    } catch (error) {
      notes.push(`warm boards: ${(error as Error).message.slice(0, 200)}`);
    }
    await stopClients([client!]);
    if (cold.non2xx || real?.non2xx) notes.push(`non-2xx answers: cold ${cold.non2xx}, warm ${real?.non2xx}`);
  }
  await api.stop();
  const rows: Row[] = [
    {
      metric: 'leaderboard requests/s, boards in Redis (10 in flight)',
      studysync: real ? round(real.requestsPerSec) : 'n/a',
      baseline: `${sql.rps} (seed SQL via pg)`,
      ratio: real ? ratio(real.requestsPerSec, sql.rps) : 'n/a',
    },
    {
      metric: 'p50 / p99 ms, boards in Redis',
      studysync: real ? `${real.p50ms} / ${real.p99ms}` : 'n/a',
      baseline: `${sql.p50ms} / ${sql.p99ms}`,
      ratio: real ? ratio(real.p99ms, sql.p99ms) : 'n/a',
    },
    {
      metric: 'requests/s, cold (no worker: computed from PostgreSQL)',
      studysync: cold ? round(cold.requestsPerSec) : 'n/a',
      baseline: sql.rps,
      ratio: cold ? ratio(cold.requestsPerSec, sql.rps) : 'n/a',
    },
    {
      metric: 'p50 / p99 ms, cold',
      studysync: cold ? `${cold.p50ms} / ${cold.p99ms}` : 'n/a',
      baseline: `${sql.p50ms} / ${sql.p99ms}`,
      ratio: cold ? ratio(cold.p99ms, sql.p99ms) : 'n/a',
    },
  ];
  return { name: 'leaderboard', status: real ? 'ok' : 'partial', rows, notes, data: { users, groups, count, sql, cold, real } };
}

/** 6. REST: GET /api/me against a bare Express route. */
export async function rest(env: BenchEnv): Promise<ScenarioResult> {
  const users = 100;
  await prepareDatabase(env.databaseUrl);
  await withPg(env.databaseUrl, (pg) => seedPopulation(pg, users, 100));
  const sign = makeSigner(env.keys.privatePem);
  const tokens = Array.from({ length: users }, (_, i) => ({ token: sign(userId(i)), path: '/api/me' }));
  const durationS = env.scale >= 1 ? 8 : 3;
  const { startBare } = await import('../lib/procs');
  const api = await startApi(env.nodeEnv);
  const [client] = await startClients(1);
  const real = await client!.call('autocannon', { url: api.url, tokens, connections: 10, durationS }, 90_000);
  await api.stop();
  const bare = await startBare('express');
  const base = await client!.call('autocannon', { url: bare.url, tokens, connections: 10, durationS }, 90_000);
  await bare.stop();
  await stopClients([client!]);
  const notes: string[] = [];
  if (real.non2xx) notes.push(`${real.non2xx} non-2xx answers from the API node`);
  return {
    name: 'rest',
    status: real.non2xx ? 'partial' : 'ok',
    rows: [
      {
        metric: 'GET /api/me requests/s (10 connections)',
        studysync: round(real.requestsPerSec),
        baseline: round(base.requestsPerSec),
        ratio: ratio(real.requestsPerSec, base.requestsPerSec),
      },
      { metric: 'p50 / p99 ms', studysync: `${real.p50ms} / ${real.p99ms}`, baseline: `${base.p50ms} / ${base.p99ms}`, ratio: ratio(real.p99ms, base.p99ms) },
    ],
    notes,
    data: { real, base },
  };
}
