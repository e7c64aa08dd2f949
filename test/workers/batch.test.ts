import { QueryTypes } from 'sequelize';
import type { AppContext } from '../../src/context';
import { boardKey } from '../../src/components/leaderboards/leaderboard.store';
import { periodBounds } from '../../src/components/leaderboards/leaderboard.rules';
import { createSessionBatcher, processSessionBatch, processSessionJob } from '../../workers/processors/persist-session.processor';
import { Notification, User } from '../../src/db/models';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { insertSession, makeGroup, makeUser, sessionJob } from '../sessions/fixtures';

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

  /** What a user's stored state is made of, ids left out (twins have their own). */
  const stateOf = async (userId: string) => {
    const q = <T extends object>(sql: string) => ctx.sequelize.query<T>(sql, { replacements: { id: userId }, type: QueryTypes.SELECT });
    const [streak] = await q<object>(
      `SELECT current_streak, longest_streak, to_char(last_active_date, 'YYYY-MM-DD') AS last, to_char(streak_start_date, 'YYYY-MM-DD') AS start,
              freezes_available, time_zone, last_session_id = (SELECT max(id) FROM study_sessions WHERE user_id = :id) AS saw_newest
         FROM streaks WHERE user_id = :id`,
    );
    return {
      total: (await q<{ t: string }>('SELECT total_study_time AS t FROM users WHERE user_id = :id'))[0]?.t,
      sessions: await q<object>(
        'SELECT started_at, duration_seconds, end_reason FROM study_sessions WHERE user_id = :id ORDER BY started_at, duration_seconds',
      ),
      streak,
      goals: await q<Record<string, unknown>>(
        `SELECT to_char(local_date, 'YYYY-MM-DD') AS date, seconds, goal_minutes FROM daily_goals_met WHERE user_id = :id ORDER BY local_date`,
      ),
      // By date: a batch notifies the days it met in date order, one at a time in arrival order.
      notifications: (await Notification.findAll({ where: { userId, notificationType: 'daily_goal_met' } }))
        .map((n) => n.data as Record<string, unknown>)
        .sort((x, y) => String(x.date).localeCompare(String(y.date))),
    };
  };

  it('when batches hold users in far time zones with daily goals, out-of-order days, capped days, zero sessions and imported history, then everything stored equals storing the same jobs one at a time', async () => {
    const profiles = [
      { timezone: 'Pacific/Kiritimati', dailyGoalMinutes: 30 },
      { timezone: 'Pacific/Pago_Pago', dailyGoalMinutes: 45 },
      { timezone: 'America/New_York', dailyGoalMinutes: 0 },
      { dailyGoalMinutes: 20 },
    ];
    const day = (d: number, h: number) => new Date(Date.UTC(2026, 2, d, h));
    // Per profile: (start, seconds) in arrival order: days out of order, a local midnight, a day over the 14 h cap, a zero session.
    const plan = (p: number): Array<[Date, number]> => [
      [day(10, 9 + p), 1500],
      [day(12, 1), 2400],
      [day(11, 23), 1200],
      [day(11, 10), 0],
      [day(14, 2), 9 * 3600],
      [day(14, 9), 7 * 3600],
      [day(15, 3 + p), 600],
      [day(13, 12), 2000],
      [day(17, 20), 3000],
    ];
    const twins = await Promise.all(
      profiles.map(async (preferences, p) => {
        const [batched, single] = await Promise.all([makeUser(`tb${p}`), makeUser(`ts${p}`)]);
        for (const u of [batched, single]) await User.update({ preferences }, { where: { userId: u.userId } });
        if (p % 2 === 0) for (const u of [batched, single]) await insertSession(ctx, u.userId, day(9, 12), 900); // imported history
        return { batched: batched.userId, single: single.userId, jobs: plan(p) };
      }),
    );
    // Batched: every profile's i-th session in batch i % 3 (each batch holds several users, several sessions of each);
    // one at a time: the same sessions in the same order (batch after batch), so the daily cap sees the same arrivals.
    const order = [0, 3, 6, 1, 4, 7, 2, 5, 8];
    const batches = [0, 1, 2].map((b) =>
      twins.flatMap((t) => order.filter((i) => i % 3 === b).map((i) => sessionJob(t.batched, ...(t.jobs[i] as [Date, number])))),
    );
    for (const batch of batches) await processSessionBatch(ctx, batch);
    for (const t of twins) for (const i of order) await processSessionJob(ctx, { data: sessionJob(t.single, ...(t.jobs[i] as [Date, number])) });
    for (const t of twins) {
      const [b, s] = await Promise.all([stateOf(t.batched), stateOf(t.single)]);
      // A goal's `seconds` is the day's total when its row is written: a batch writes it after all of its sessions
      // (as it always has), one at a time after the session that reached the goal; the days met are the same.
      const withoutSeconds = (x: typeof b) => ({
        ...x,
        goals: x.goals.map(({ seconds: _s, ...g }) => g),
        notifications: x.notifications.map(({ seconds: _s, ...n }) => n),
      });
      expect(withoutSeconds(b)).toEqual(withoutSeconds(s));
      for (const [i, g] of b.goals.entries()) expect(Number(g.seconds)).toBeGreaterThanOrEqual(Number(s.goals[i]?.seconds));
      expect(b.streak).toMatchObject({ saw_newest: true });
    }
    // The cases are really there: goals met, a day capped.
    const first = await stateOf(twins[0]!.batched);
    expect(first.goals.length).toBeGreaterThan(1);
    expect(first.notifications.length).toBe(first.goals.length);
    expect(first.sessions).toEqual(expect.arrayContaining([expect.objectContaining({ end_reason: 'daily_cap' })]));
  });

  it('when more jobs arrive than one batch holds and one batch may run at a time, then every job is stored in full batches after the running one', async () => {
    const user = await makeUser('bflight');
    const batcher = createSessionBatcher(ctx, { maxBatch: 4, waitMs: 1, maxInFlight: 1 });
    const jobs = Array.from({ length: 10 }, (_, i) => sessionJob(user.userId, new Date(Date.now() - (i + 1) * 600_000), 10 + i));
    const results = await Promise.all(jobs.map((job) => batcher.submit(job)));
    expect(results.every((r) => r.inserted)).toBe(true);
    expect(await totalOf(user.userId)).toMatchObject({ t: jobs.reduce((sum, j) => sum + j.durationSeconds, 0) });
  });
});
