import { QueryTypes } from 'sequelize';
import type { AppContext } from '../../src/context';
import { Notification } from '../../src/db/models';
import { processSessionJob } from '../../workers/processors/persist-session.processor';
import { connectSocket, recordEvents } from '../helpers/socket';
import { isSentinel, userSentinel } from '../helpers/sentinel';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { sessionJob } from '../sessions/fixtures';

/** Daily goals and streak freezes through the worker, REST and the user's sockets (issue 16). */
describe('daily goal met and streak freezes', () => {
  let app: TestApp;
  let ctx: AppContext;
  beforeAll(async () => {
    app = await startTestApp();
    ctx = app.node.ctx;
  });
  afterAll(async () => {
    await app.stop();
  });

  const userWith = async (name: string, preferences: Record<string, unknown>) => {
    const u = await app.signedUpUser(name);
    const res = await app.http.patch('/api/me', { token: u.token, body: { preferences } });
    expect(res.status).toBe(200);
    return u;
  };

  /** Runs the jobs in order (each one through the worker's processor) and returns what the user's socket heard of goal:met. */
  const goalEvents = async (u: { userId: string; token: string }, jobs: ReturnType<typeof sessionJob>[]) => {
    const socket = await connectSocket(app.url, u.token);
    const seen = recordEvents(socket);
    for (const job of jobs) await processSessionJob(ctx, { data: job });
    await userSentinel(app.http, u, [socket]);
    socket.close();
    return seen.filter((e) => !isSentinel(e) && e.event === 'goal:met').map((e) => e.payload);
  };

  const goalNotifications = async (userId: string) =>
    (await Notification.findAll({ where: { userId, notificationType: 'daily_goal_met' }, order: [['id', 'ASC']] })).map((n) => n.data);

  it('when sessions in Kiritimati (UTC+14) take local days over the goal, then goal:met comes once per local day, despite later sessions and duplicate jobs', async () => {
    const u = await userWith('kiri', { timezone: 'Pacific/Kiritimati', dailyGoalMinutes: 30 });
    const second = sessionJob(u.userId, '2026-03-10T09:00:00Z', 1200); // local 2026-03-10 23:00: 40 min that day
    const events = await goalEvents(u, [
      sessionJob(u.userId, '2026-03-10T00:00:00Z', 1200), // local 2026-03-10 14:00: 20 min, under the goal
      second,
      second, // the same job again (a retry / duplicate): stored once, no second event
      sessionJob(u.userId, '2026-03-10T09:50:00Z', 600), // local 23:50: the day is already met
      sessionJob(u.userId, '2026-03-10T10:30:00Z', 1800), // same UTC day, but local 2026-03-11 00:30: a new local day
      sessionJob(u.userId, '2026-03-10T11:00:00Z', 60),
    ]);
    expect(events).toEqual([
      { date: '2026-03-10', seconds: 2400 },
      { date: '2026-03-11', seconds: 1800 },
    ]);
    expect(await goalNotifications(u.userId)).toEqual([
      { date: '2026-03-10', seconds: 2400 },
      { date: '2026-03-11', seconds: 1800 },
    ]);
  });

  it('when sessions in Pago Pago (UTC-11) take local days over the goal, then goal:met comes once per local day, dated in local time', async () => {
    const u = await userWith('pago', { timezone: 'Pacific/Pago_Pago', dailyGoalMinutes: 30 });
    const events = await goalEvents(u, [
      sessionJob(u.userId, '2026-03-10T12:00:00Z', 1200), // local 2026-03-10 01:00
      sessionJob(u.userId, '2026-03-11T10:30:00Z', 1200), // next UTC day, still local 2026-03-10 23:30: met
      sessionJob(u.userId, '2026-03-11T10:45:00Z', 300),
      sessionJob(u.userId, '2026-03-11T11:30:00Z', 1800), // local 2026-03-11 00:30: met
    ]);
    expect(events).toEqual([
      { date: '2026-03-10', seconds: 2400 },
      { date: '2026-03-11', seconds: 1800 },
    ]);
    expect(await goalNotifications(u.userId)).toHaveLength(2);
    // The dedupe is durable: one row per local day.
    const rows = await ctx.sequelize.query<{ d: string }>(
      `SELECT to_char(local_date, 'YYYY-MM-DD') AS d FROM daily_goals_met WHERE user_id = :u ORDER BY local_date`,
      { replacements: { u: u.userId }, type: QueryTypes.SELECT },
    );
    expect(rows.map((r) => r.d)).toEqual(['2026-03-10', '2026-03-11']);
  });

  it('when there is no goal, then no goal:met and no notification', async () => {
    const u = await userWith('nogoal', { dailyGoalMinutes: 0 });
    expect(await goalEvents(u, [sessionJob(u.userId, '2026-03-10T12:00:00Z', 7200)])).toEqual([]);
    expect(await goalNotifications(u.userId)).toEqual([]);
  });

  it('when 14 days were studied and the last 2 missed, then stats, the profile and the streak agree: 2 freezes cover the gap', async () => {
    const u = await userWith('freezer', { dailyGoalMinutes: 10 });
    const day = 86_400_000;
    const todayNoon = new Date(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`).getTime();
    // Days today-16 … today-3 (14 days, 10 min each); today-2 and today-1 missed.
    for (let i = 16; i >= 3; i--) await processSessionJob(ctx, { data: sessionJob(u.userId, new Date(todayNoon - i * day), 600) });
    const stats = await app.http.get('/api/me/stats?days=20', { token: u.token });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ currentStreak: 14, longestStreak: 14, freezesAvailable: 0, dailyGoalMinutes: 10, todayGoalMet: false });
    const daily = stats.body.daily as Array<{ date: string; seconds: number; frozen: boolean; goalMet: boolean }>;
    expect(daily.filter((d) => d.frozen).map((d) => d.date)).toEqual([
      new Date(todayNoon - 2 * day).toISOString().slice(0, 10),
      new Date(todayNoon - day).toISOString().slice(0, 10),
    ]);
    expect(daily.filter((d) => d.goalMet)).toHaveLength(14);
    expect((await app.http.get('/api/me', { token: u.token })).body).toMatchObject({ currentStreak: 14, longestStreak: 14 });
    expect((await app.http.get(`/api/users/${u.userId}`, { token: u.token })).body).toMatchObject({ currentStreak: 14 });
    const year = await app.http.get('/api/me/stats?days=366', { token: u.token });
    expect(year.status).toBe(200);
    expect(year.body.daily).toHaveLength(366);
  });
});
