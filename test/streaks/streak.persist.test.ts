import { Streak, User } from '../../src/db/models';
import type { AppContext } from '../../src/context';
import { processSessionJob } from '../../workers/processors/persist-session.processor';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { insertSession, makeUser, sessionJob } from '../sessions/fixtures';

describe('streaks recomputed by the session worker', () => {
  let app: TestApp;
  let ctx: AppContext;
  beforeAll(async () => {
    app = await startTestApp();
    ctx = app.node.ctx;
  });
  afterAll(async () => {
    await app.stop();
  });

  const persist = (userId: string, at: string, seconds = 600) => processSessionJob(ctx, { data: sessionJob(userId, at, seconds) });
  const streakOf = async (userId: string) => {
    const s = await Streak.findOne({ where: { userId } });
    return s && { current: s.currentStreak, longest: s.longestStreak, last: s.lastActiveDate, start: s.streakStartDate };
  };

  it('when sessions fall on consecutive UTC days with a gap before, then the stored run and longest run are right', async () => {
    const u = await makeUser('cons');
    for (const at of ['2026-03-01T10:00:00Z', '2026-03-02T10:00:00Z', '2026-03-04T10:00:00Z', '2026-03-05T10:00:00Z', '2026-03-06T23:59:00Z'])
      await persist(u.userId, at);
    expect(await streakOf(u.userId)).toEqual({ current: 3, longest: 3, last: '2026-03-06', start: '2026-03-04' });
    expect((await User.findByPk(u.userId))!.totalStudyTime).toBe(3000);
  });

  it('when the same UTC instants are studied in Kiritimati and Pago Pago, then the local days (and streaks) differ', async () => {
    // 09:30Z and 10:30Z the next day: Kiritimati (UTC+14) 23:30 day 1 and 00:30 day 3 → two separate days;
    // Pago Pago (UTC-11) 22:30 day 0 and 23:30 day 1 → consecutive.
    const east = await makeUser('east', 'Pacific/Kiritimati');
    const west = await makeUser('west', 'Pacific/Pago_Pago');
    for (const u of [east, west]) {
      await persist(u.userId, '2026-03-10T09:30:00Z');
      await persist(u.userId, '2026-03-11T10:30:00Z');
    }
    expect(await streakOf(east.userId)).toEqual({ current: 1, longest: 1, last: '2026-03-12', start: '2026-03-12' });
    expect(await streakOf(west.userId)).toEqual({ current: 2, longest: 2, last: '2026-03-10', start: '2026-03-09' });
  });

  it('when New York sessions straddle the DST changes, then each counts on its local date', async () => {
    const u = await makeUser('ny', 'America/New_York');
    // 2026-03-07 23:30 EST, 2026-03-08 23:30 EDT (03:30Z next day), 2026-03-09 00:30 EDT.
    await persist(u.userId, '2026-03-08T04:30:00Z');
    await persist(u.userId, '2026-03-09T03:30:00Z');
    await persist(u.userId, '2026-03-09T04:30:00Z');
    expect(await streakOf(u.userId)).toEqual({ current: 3, longest: 3, last: '2026-03-09', start: '2026-03-07' });
    // Autumn: 2026-11-01 is 25 h long; 00:30 EDT and 23:30 EST are the same local day.
    await persist(u.userId, '2026-11-01T04:30:00Z');
    await persist(u.userId, '2026-11-02T04:30:00Z');
    expect(await streakOf(u.userId)).toEqual({ current: 1, longest: 3, last: '2026-11-01', start: '2026-11-01' });
  });

  it('when sessions arrive out of order, then the streak equals the one from in-order arrival', async () => {
    const a = await makeUser('ordered');
    const b = await makeUser('shuffled');
    const days = ['2026-04-01', '2026-04-02', '2026-04-03', '2026-04-05', '2026-04-06'];
    for (const d of days) await persist(a.userId, `${d}T12:00:00Z`);
    for (const d of ['2026-04-06', '2026-04-02', '2026-04-05', '2026-04-01', '2026-04-03']) await persist(b.userId, `${d}T12:00:00Z`);
    expect(await streakOf(b.userId)).toEqual(await streakOf(a.userId));
    expect(await streakOf(a.userId)).toEqual({ current: 2, longest: 3, last: '2026-04-06', start: '2026-04-05' });
  });

  it('when 14 days in a row are followed by a 2-day gap, then 2 freezes bridge it; an import inside the gap is counted next time', async () => {
    const u = await makeUser('freeze');
    for (let i = 1; i <= 14; i++) await persist(u.userId, `2026-07-${String(i).padStart(2, '0')}T09:00:00Z`);
    let row = await Streak.findOne({ where: { userId: u.userId } });
    expect(row).toMatchObject({ currentStreak: 14, freezesAvailable: 2, timeZone: 'UTC' });
    expect(row!.lastSessionId).toEqual(expect.any(Number));
    await persist(u.userId, '2026-07-17T09:00:00Z'); // 15 and 16 missed: bridged
    row = await Streak.findOne({ where: { userId: u.userId } });
    expect(row).toMatchObject({ currentStreak: 15, longestStreak: 15, freezesAvailable: 0, lastActiveDate: '2026-07-17', streakStartDate: '2026-07-01' });
    // History written straight into the table: day 16 becomes studied; the next session recomputes (1 freeze used, 16 days).
    await insertSession(ctx, u.userId, '2026-07-16T09:00:00Z', 60);
    await persist(u.userId, '2026-07-18T09:00:00Z');
    row = await Streak.findOne({ where: { userId: u.userId } });
    expect(row).toMatchObject({ currentStreak: 17, freezesAvailable: 1, lastActiveDate: '2026-07-18' });
  });

  it('when history rows were inserted directly, then the next stored session recomputes from all of them', async () => {
    const u = await makeUser('hist');
    for (const d of ['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04']) await insertSession(ctx, u.userId, `${d}T08:00:00Z`, 60);
    await persist(u.userId, '2026-05-05T08:00:00Z');
    expect(await streakOf(u.userId)).toEqual({ current: 5, longest: 5, last: '2026-05-05', start: '2026-05-01' });
  });

  it('when the user studied today or yesterday, then GET /api/me shows the streak; when the timezone changes, the next recompute uses it', async () => {
    const u = await app.signedUpUser('live');
    const now = Date.now();
    await persist(u.userId, new Date(now - 86_400_000).toISOString(), 60);
    await persist(u.userId, new Date(now - 60_000).toISOString(), 60);
    const me = await app.http.get('/api/me', { token: u.token });
    expect(me.body).toMatchObject({ currentStreak: 2, longestStreak: 2, totalStudyTime: 120 });

    const v = await makeUser('tzchange');
    // 23:30Z on two consecutive days: UTC days 1 and 2; in Kiritimati (UTC+14) days 2 and 3, still consecutive;
    // 01:00Z day 3 is another UTC day (3) but in Pago Pago (UTC-11) it is day 2.
    await persist(v.userId, '2026-06-01T23:30:00Z');
    await persist(v.userId, '2026-06-03T01:00:00Z');
    expect(await streakOf(v.userId)).toMatchObject({ current: 1, longest: 1 });
    await User.update({ preferences: { timezone: 'Pacific/Pago_Pago' } }, { where: { userId: v.userId } });
    await persist(v.userId, '2026-06-03T02:00:00Z');
    expect(await streakOf(v.userId)).toEqual({ current: 2, longest: 2, last: '2026-06-02', start: '2026-06-01' });
  });
});
