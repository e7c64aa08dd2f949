import { QueryTypes } from 'sequelize';
import type { AppContext } from '../../src/context';
import { eventually } from '../helpers/eventually';
import { spawnWorker, type Proc } from '../helpers/processes';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { countRows, makeGroup, makeUser, sessionJob } from '../sessions/fixtures';

jest.setTimeout(90_000);

/** SIGKILL the worker process (spawnWorker runs it as one `node --import tsx` process). */
const crash = (proc: Proc): Promise<void> => proc.kill();

describe('a worker killed mid-job', () => {
  let app: TestApp;
  let ctx: AppContext;
  const procs: Proc[] = [];
  beforeAll(async () => {
    app = await startTestApp({ env: { WORKER_LOCK_MS: '1000' } });
    ctx = app.node.ctx;
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => crash(p)));
    await app.stop();
  });

  it('when a worker is SIGKILLed with jobs active and queued and another starts, then every session is stored exactly once', async () => {
    const users = await Promise.all(Array.from({ length: 4 }, (_, i) => makeUser(`crash${i}`)));
    const group = await makeGroup(users[0]!, 'private', users.slice(1));
    const jobs = Array.from({ length: 240 }, (_, i) =>
      sessionJob(users[i % users.length]!.userId, new Date(Date.now() - (i + 1) * 60_000), 10 + (i % 50), i % 2 ? group.id : null),
    );
    const uuids = new Set(jobs.map((j) => j.sessionUuid));
    // Every session once under its own id, a third of them a second time under another id (a duplicate delivery).
    await ctx.queues.sessions.addBulk([
      ...jobs.map((data) => ({ name: 'persist-session' as const, data, opts: { jobId: data.sessionUuid } })),
      ...jobs.filter((_, i) => i % 3 === 0).map((data) => ({ name: 'persist-session' as const, data, opts: { jobId: `${data.sessionUuid}-dup` } })),
    ]);

    const first = await spawnWorker({ ...app.env, WORKER_CONCURRENCY: '8', SESSION_BATCH_MAX: '8' });
    procs.push(first);
    await eventually(async () => expect(await countRows(ctx)).toBeGreaterThan(20), { timeout: 20_000, interval: 10 });
    await crash(first);
    const afterKill = await countRows(ctx);
    expect(afterKill).toBeLessThan(uuids.size);

    const second = await spawnWorker({ ...app.env, WORKER_CONCURRENCY: '8', SESSION_BATCH_MAX: '8' });
    procs.push(second);
    await eventually(
      async () => {
        const counts = await ctx.queues.sessions.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        expect(counts.waiting + counts.active + counts.delayed + counts.prioritized).toBe(0);
        expect(await countRows(ctx)).toBe(uuids.size);
      },
      { timeout: 45_000, interval: 200 },
    );
    const [distinct] = await ctx.sequelize.query<{ n: string }>('SELECT count(DISTINCT session_uuid) AS n FROM study_sessions', { type: QueryTypes.SELECT });
    expect(Number(distinct!.n)).toBe(uuids.size);
    for (const u of users) {
      const expected = jobs.filter((j) => j.userId === u.userId).reduce((s, j) => s + j.durationSeconds, 0);
      const [row] = await ctx.sequelize.query<{ t: number; s: string }>(
        'SELECT u.total_study_time AS t, (SELECT SUM(duration_seconds) FROM study_sessions WHERE user_id = u.user_id) AS s FROM users u WHERE u.user_id = :id',
        { replacements: { id: u.userId }, type: QueryTypes.SELECT },
      );
      expect(Number(row!.t)).toBe(expected);
      expect(Number(row!.s)).toBe(expected);
    }
    await second.stop();
  });
});
