import { User } from '../../src/db/models';
import type { AppContext } from '../../src/context';
import { boardKey } from '../../src/components/leaderboards/leaderboard.store';
import { periodBounds } from '../../src/components/leaderboards/leaderboard.rules';
import { processSessionJob } from '../../workers/processors/persist-session.processor';
import { eventually } from '../helpers/eventually';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { countRows, makeGroup, makeUser, sessionJob } from '../sessions/fixtures';

describe('session persistence counts each session exactly once', () => {
  let app: TestApp;
  let ctx: AppContext;
  beforeAll(async () => {
    app = await startTestApp();
    ctx = app.node.ctx;
  });
  afterAll(async () => {
    await app.stop();
  });

  const score = async (groupId: number, userId: string, period: '7d' | 'week' | 'month' | 'all' = 'all') =>
    Number(await ctx.redis.zscore(boardKey(ctx, groupId, period, periodBounds(period, new Date()).periodKey), userId));

  it('when the same job is processed many times in parallel, then one row, one total and one leaderboard score exist', async () => {
    const u = await makeUser('par');
    const group = await makeGroup(u);
    const job = sessionJob(u.userId, new Date(Date.now() - 3_600_000), 1800, group.id);
    const results = await Promise.all(Array.from({ length: 8 }, () => processSessionJob(ctx, { data: job })));
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await countRows(ctx, 'session_uuid = :u', { u: job.sessionUuid })).toBe(1);
    expect((await User.findByPk(u.userId))!.totalStudyTime).toBe(1800);
    for (const p of ['7d', 'week', 'all'] as const) expect(await score(group.id, u.userId, p)).toBe(1800);
    // Processed once more later (a redelivery): still once.
    await processSessionJob(ctx, { data: job });
    expect((await User.findByPk(u.userId))!.totalStudyTime).toBe(1800);
    expect(await score(group.id, u.userId)).toBe(1800);
  });

  it('when one user has many different sessions in parallel, then the total is their exact sum (no lost update)', async () => {
    const u = await makeUser('many');
    const group = await makeGroup(u);
    const jobs = Array.from({ length: 12 }, (_, i) => sessionJob(u.userId, new Date(Date.now() - (i + 2) * 3_600_000), 100 + i, group.id));
    await Promise.all(jobs.map((data) => processSessionJob(ctx, { data })));
    const sum = jobs.reduce((s, j) => s + j.durationSeconds, 0);
    expect((await User.findByPk(u.userId))!.totalStudyTime).toBe(sum);
    expect(await score(group.id, u.userId)).toBe(sum);
  });

  it('when the same session is enqueued under several job ids to two worker instances, then it is stored and counted once', async () => {
    await app.startWorker();
    await app.startWorker();
    const u = await makeUser('queued');
    const group = await makeGroup(u);
    const job = sessionJob(u.userId, new Date(Date.now() - 7_200_000), 900, group.id);
    await Promise.all(Array.from({ length: 6 }, (_, i) => ctx.queues.sessions.add('persist-session', job, { jobId: `${job.sessionUuid}-copy${i}` })));
    await ctx.queues.sessions.add('persist-session', job, { jobId: job.sessionUuid });
    await eventually(async () => {
      const counts = await ctx.queues.sessions.getJobCounts('waiting', 'active', 'delayed', 'completed');
      expect(counts.waiting + counts.active + counts.delayed).toBe(0);
      expect(counts.completed).toBeGreaterThanOrEqual(7);
    });
    expect(await countRows(ctx, 'session_uuid = :u', { u: job.sessionUuid })).toBe(1);
    expect((await User.findByPk(u.userId))!.totalStudyTime).toBe(900);
    expect(await score(group.id, u.userId)).toBe(900);
  });

  it('when a job carries invalid data, then it is refused as VALIDATION_FAILED naming the field (the worker does not retry it) and stores nothing', async () => {
    const job = { ...sessionJob('user_x', new Date(), 10), durationSeconds: -5 };
    await expect(processSessionJob(ctx, { data: job })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: 'Invalid data.durationSeconds' });
    expect(await countRows(ctx, 'session_uuid = :u', { u: job.sessionUuid })).toBe(0);
  });
});
