import { QueryTypes } from 'sequelize';
import type { AppContext } from '../../src/context';
import { boardKey } from '../../src/components/leaderboards/leaderboard.store';
import { periodBounds } from '../../src/components/leaderboards/leaderboard.rules';
import { createSessionBatcher, processSessionBatch } from '../../workers/processors/persist-session.processor';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { makeGroup, makeUser, sessionJob } from '../sessions/fixtures';

/** The worker's micro-batches (workers/README.md "Micro-batches"): one transaction, exactly once, one bad job fails alone. */
describe('session micro-batches', () => {
  let app: TestApp;
  let ctx: AppContext;
  beforeAll(async () => {
    app = await startTestApp();
    ctx = app.node.ctx;
  });
  afterAll(async () => {
    await app.stop();
  });

  const score = async (groupId: number, userId: string) =>
    Number(await ctx.redis.zscore(boardKey(ctx, groupId, 'all', periodBounds('all', new Date()).periodKey), userId));
  const totalOf = async (userId: string) =>
    (
      await ctx.sequelize.query<{ t: number; s: string | null; streak: number | null }>(
        `SELECT u.total_study_time AS t, (SELECT SUM(duration_seconds) FROM study_sessions WHERE user_id = u.user_id) AS s,
                (SELECT current_streak FROM streaks WHERE user_id = u.user_id) AS streak
           FROM users u WHERE u.user_id = :id`,
        { replacements: { id: userId }, type: QueryTypes.SELECT },
      )
    )[0]!;

  it('when a batch holds several users, a session twice and an unknown user, then each session is stored and counted once, and a redelivered batch changes nothing', async () => {
    const users = await Promise.all(['ba', 'bb', 'bc'].map((n) => makeUser(n)));
    const group = await makeGroup(users[0]!, 'private', users.slice(1));
    const jobs = Array.from({ length: 30 }, (_, i) =>
      sessionJob(users[i % 3]!.userId, new Date(Date.now() - (i + 1) * 3_600_000), 10 + i, i % 2 ? group.id : null),
    );
    const batch = [...jobs, jobs[1]!, sessionJob('user_nobody', new Date(Date.now() - 60_000), 99, group.id)];
    const results = await processSessionBatch(ctx, batch);
    expect(results.slice(0, 30).every((r) => r.inserted)).toBe(true);
    expect(results[30]).toEqual({ inserted: false, id: results[1]!.id, groupId: group.id });
    expect(results[31]).toEqual({ inserted: false, id: null, groupId: null });
    for (const [u, user] of users.entries()) {
      const mine = jobs.filter((_, i) => i % 3 === u);
      const expected = mine.reduce((s, j) => s + j.durationSeconds, 0);
      const row = await totalOf(user.userId);
      expect(row).toMatchObject({ t: expected, s: String(expected) });
      expect(row.streak).toBeGreaterThan(0); // recomputed in the batch (its exact value is the streak tests' concern)
      expect(await score(group.id, user.userId)).toBe(mine.filter((j) => j.groupId !== null).reduce((s, j) => s + j.durationSeconds, 0));
    }
    const again = await processSessionBatch(ctx, batch);
    expect(again.every((r) => !r.inserted)).toBe(true);
    expect(again.slice(0, 30).map((r) => r.id)).toEqual(results.slice(0, 30).map((r) => r.id));
    const expected0 = jobs.filter((_, i) => i % 3 === 0).reduce((s, j) => s + j.durationSeconds, 0);
    expect((await totalOf(users[0]!.userId)).t).toBe(expected0);
  });

  it('when one job of a batch cannot be stored as given, then the batch falls back to one job at a time and the others are stored', async () => {
    const user = await makeUser('bfall');
    const batcher = createSessionBatcher(ctx, { maxBatch: 3, waitMs: 1000 });
    const good = [sessionJob(user.userId, new Date(Date.now() - 120_000), 30), sessionJob(user.userId, new Date(Date.now() - 240_000), 40)];
    // An untrimmed subject breaks the batch's INSERT (a CHECK); the single path validates and trims it.
    const bad = { ...sessionJob(user.userId, new Date(Date.now() - 360_000), 50), subject: ' maths ' };
    const results = await Promise.all([...good, bad].map((job) => batcher.submit(job)));
    expect(results.every((r) => r.inserted)).toBe(true);
    expect(await totalOf(user.userId)).toMatchObject({ t: 120, s: '120' });
  });
});
