import { randomUUID } from 'node:crypto';
import { persistSession } from '../../src/components/sessions';
import { StudySession } from '../../src/db/models';
import { eventually } from '../helpers/eventually';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { createGroup } from '../realtime/fixtures';

/**
 * Only focus counts (issue 15): a Pomodoro with a break and a pause is stored with its
 * focus time as `durationSeconds`, and the leaderboard, /me/stats, the user's total and
 * the streak add up exactly that; the daily cap stops a running timer and shortens a
 * stored session. A Pomodoro "minute" lasts one second here.
 */
describe('focus time is what counts', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ worker: true, env: { POMODORO_MINUTE_SECONDS: '1' } });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
  });

  const storedOf = (userId: string) =>
    eventually(
      async () => {
        const rows = await StudySession.findAll({ where: { userId }, order: [['startedAt', 'ASC']] });
        expect(rows.length).toBeGreaterThan(0);
        return rows;
      },
      { timeout: 20_000 },
    );

  it('when the start is malformed or nothing runs, then 400 VALIDATION_FAILED or 409 CONFLICT, never a 500', async () => {
    const ivy = await app.signedUpUser('ivy');
    const start = (body: unknown) => app.http.post('/api/timer/start', { token: ivy.token, body });
    for (const body of [
      { subject: 'x'.repeat(61) },
      { pomodoro: { focusMinutes: 0 } },
      { pomodoro: { breakMinutes: 181 } },
      { pomodoro: { cyclesBeforeLongBreak: 1.5 } },
      { pomodoro: { extra: 1 } },
      { mode: 'hourglass' },
    ]) {
      const res = await start(body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
    }
    for (const action of ['pause', 'resume']) {
      const res = await app.http.post(`/api/timer/${action}`, { token: ivy.token });
      expect({ action, status: res.status, code: res.body.error?.code }).toEqual({ action, status: 409, code: 'CONFLICT' });
    }
    // `pomodoro` alone picks the mode; defaults fill what is left out; an empty subject is none.
    const ok = await start({ pomodoro: { focusMinutes: 50 }, subject: '   ' });
    expect(ok.body).toMatchObject({
      mode: 'pomodoro',
      subject: null,
      pomodoro: { focusMinutes: 50, breakMinutes: 5, longBreakMinutes: 15, cyclesBeforeLongBreak: 4 },
    });
    await app.http.post('/api/timer/stop', { token: ivy.token, body: {} });
  });

  it('when a Pomodoro with a break and a pause is stopped, then leaderboards, /me/stats, the total and the streak count its focus time only', async () => {
    const fay = await app.signedUpUser('fay');
    const group = await createGroup(fay);
    const pomodoro = { focusMinutes: 2, breakMinutes: 2, longBreakMinutes: 2, cyclesBeforeLongBreak: 4 };
    expect((await app.http.post('/api/timer/start', { token: fay.token, body: { groupId: group.id, pomodoro, subject: 'Latin' } })).status).toBe(201);
    // Into the break, then a pause of at least a second, then on to the next focus.
    await eventually(async () => expect((await app.http.get('/api/timer', { token: fay.token })).body.timer.state).toBe('break'), { timeout: 10_000 });
    const paused = await app.http.post('/api/timer/pause', { token: fay.token });
    expect(paused.body).toMatchObject({ state: 'paused', focusSeconds: 2 });
    await eventually(async () => expect((await app.http.get('/api/timer', { token: fay.token })).body.timer.pausedSeconds).toBeGreaterThanOrEqual(1));
    await app.http.post('/api/timer/resume', { token: fay.token });
    await eventually(async () => expect((await app.http.get('/api/timer', { token: fay.token })).body.timer.focusSeconds).toBeGreaterThanOrEqual(3), {
      timeout: 10_000,
    });
    const stop = await app.http.post('/api/timer/stop', { token: fay.token, body: {} });
    const session = stop.body.session;
    expect(session).toMatchObject({ mode: 'pomodoro', subject: 'Latin', endReason: 'stopped' });
    expect(session.pausedSeconds).toBeGreaterThanOrEqual(1);
    // raw = focus + break + pause: the break (2 s) and the pause never count.
    expect(session.rawSeconds).toBeGreaterThanOrEqual(session.durationSeconds + 2 + 1);
    const [row] = await storedOf(fay.userId);
    expect(row!.durationSeconds).toBe(session.durationSeconds);
    const focus = session.durationSeconds as number;

    const board = await app.http.get(`/api/groups/${group.id}/leaderboard?period=7d`, { token: fay.token });
    await eventually(async () => {
      const b = await app.http.get(`/api/groups/${group.id}/leaderboard?period=7d`, { token: fay.token });
      expect(b.body.entries).toEqual([expect.objectContaining({ userId: fay.userId, totalSeconds: focus })]);
    });
    expect(board.status).toBe(200);
    const stats = await app.http.get('/api/me/stats', { token: fay.token });
    expect(stats.body).toMatchObject({ todaySeconds: focus, periodSeconds: focus, currentStreak: 1 });
    const me = await app.http.get('/api/me', { token: fay.token });
    expect(me.body).toMatchObject({ totalStudyTime: focus, currentStreak: 1 });
  }, 60_000);

  it('when a running timer reaches the daily cap, then it stops by itself with endReason daily_cap and the day holds at most the cap', async () => {
    const gus = await app.signedUpUser('gus');
    const cap = app.config.dailyCapHours * 3600;
    const now = Date.now();
    await persistSession(app.node.ctx, {
      sessionUuid: randomUUID(),
      userId: gus.userId,
      groupId: null,
      startedAt: new Date(now - 2000).toISOString(),
      endedAt: new Date(now - 1000).toISOString(),
      durationSeconds: cap - 2,
      notes: null,
    });
    expect((await app.http.post('/api/timer/start', { token: gus.token, body: {} })).status).toBe(201);
    const rows = await eventually(
      async () => {
        const r = await StudySession.findAll({ where: { userId: gus.userId } });
        expect(r).toHaveLength(2);
        return r;
      },
      { timeout: 20_000 },
    );
    const capped = rows.find((r) => r.endReason === 'daily_cap');
    expect(capped).toBeDefined();
    expect(rows.reduce((sum, r) => sum + r.durationSeconds, 0)).toBeLessThanOrEqual(cap);
    expect((await app.http.get('/api/timer', { token: gus.token })).body).toEqual({ timer: null });
  }, 60_000);

  it('when a stored session would take its local day over the cap, then persistSession shortens it to fit', async () => {
    const hal = await app.signedUpUser('hal');
    const cap = app.config.dailyCapHours * 3600;
    const now = Date.now();
    const job = (durationSeconds: number) => ({
      sessionUuid: randomUUID(),
      userId: hal.userId,
      groupId: null,
      startedAt: new Date(now - 3000).toISOString(),
      endedAt: new Date(now - 1000).toISOString(),
      durationSeconds,
      notes: null,
    });
    await persistSession(app.node.ctx, job(cap - 5));
    const second = job(60);
    await persistSession(app.node.ctx, second);
    const row = await StudySession.findOne({ where: { sessionUuid: second.sessionUuid } });
    expect(row).toMatchObject({ durationSeconds: 5, endReason: 'daily_cap' });
    expect((await app.http.get('/api/me', { token: hal.token })).body.totalStudyTime).toBe(cap);
  });
});
