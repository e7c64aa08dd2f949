import { Redis } from 'ioredis';
import { StudySession } from '../../src/db/models';
import { startApiNode, type ApiNode } from '../../src/server';
import { createLogger } from '../../src/lib/logger';
import { eventually } from '../helpers/eventually';
import { connectSocket, emitAck, waitForEvent } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { addMember, createGroup } from '../realtime/fixtures';

/**
 * Focus timers across two API nodes (issue 15), with a worker for the Pomodoro ticks
 * and the stored sessions. A Pomodoro "minute" lasts one second here
 * (POMODORO_MINUTE_SECONDS=1) and the AFK grace two seconds (AFK_GRACE_SECONDS=2).
 */
describe('focus timers across two API nodes', () => {
  let app: TestApp;
  let nodeB: ApiNode;
  let redis: Redis;

  beforeAll(async () => {
    app = await startTestApp({ worker: true, env: { POMODORO_MINUTE_SECONDS: '1', AFK_GRACE_SECONDS: '2' } });
    nodeB = await startApiNode({ ...app.config, port: 0 }, createLogger(app.config.logLevel, { test: true }));
    redis = new Redis(app.env.REDIS_URL!);
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    await nodeB?.stop();
    await app?.stop();
  });

  it('when a member on node B pauses, resumes and runs a Pomodoro, then a peer on node A sees timer:paused, timer:resumed and each timer:phase, and a late joiner sees the pause', async () => {
    const ana = await app.signedUpUser('ana');
    const ben = await app.signedUpUser('ben');
    const cleo = await app.signedUpUser('cleo');
    const group = await createGroup(ana);
    await addMember(group, ben);
    await addMember(group, cleo);
    const anaA = await connectSocket(app.url, ana.token);
    const benB = await connectSocket(nodeB.url, ben.token);
    expect(await emitAck(anaA, 'room:join', { groupId: group.id })).toMatchObject({ ok: true });

    // A stopwatch, paused then resumed.
    const started = waitForEvent(anaA, 'timer:started', (p) => p.userId === ben.userId);
    const start = await emitAck(benB, 'timer:start', { groupId: group.id, subject: '  Organic chemistry ' });
    expect(start).toMatchObject({ ok: true, timer: { mode: 'stopwatch', state: 'focus', subject: 'Organic chemistry', pomodoro: null, cycle: null } });
    expect(await started).toMatchObject({ groupId: group.id, mode: 'stopwatch', state: 'focus', subject: 'Organic chemistry', focusSeconds: 0 });

    const paused = waitForEvent(anaA, 'timer:paused', (p) => p.userId === ben.userId);
    const pause = await emitAck(benB, 'timer:pause', {});
    expect(pause).toMatchObject({ ok: true, timer: { state: 'paused' } });
    expect(await paused).toEqual({ groupId: group.id, userId: ben.userId, focusSeconds: pause.timer.focusSeconds });
    expect(await emitAck(benB, 'timer:pause', {})).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    // A late joiner on node B sees Ben's timer as paused.
    const cleoB = await connectSocket(nodeB.url, cleo.token);
    const joined = await emitAck(cleoB, 'room:join', { groupId: group.id });
    const benState = joined.state.members.find((m: { userId: string }) => m.userId === ben.userId);
    expect(benState?.timer).toMatchObject({ state: 'paused', mode: 'stopwatch', subject: 'Organic chemistry', focusSeconds: pause.timer.focusSeconds });

    const resumed = waitForEvent(anaA, 'timer:resumed', (p) => p.userId === ben.userId);
    const resume = await emitAck(benB, 'timer:resume', {});
    expect(resume).toMatchObject({ ok: true, timer: { state: 'focus' } });
    // With the phase it runs in now (a stopwatch: no phase end, no cycle).
    expect(await resumed).toEqual({
      groupId: group.id,
      userId: ben.userId,
      focusSeconds: resume.timer.focusSeconds,
      state: 'focus',
      phaseEndsAt: null,
      cycle: null,
    });
    expect((await app.http.post('/api/timer/resume', { token: ben.token })).status).toBe(409);
    expect(await emitAck(benB, 'timer:stop', {})).toMatchObject({ ok: true });

    // A Pomodoro of 2 s focus and 1 s break (minutes of one second): phases reach node A.
    const pomodoro = { focusMinutes: 2, breakMinutes: 1, longBreakMinutes: 3, cyclesBeforeLongBreak: 2 };
    const breakPhase = waitForEvent(anaA, 'timer:phase', (p) => p.userId === ben.userId && p.state === 'break' && p.cycle === 1, 15_000);
    const secondFocus = waitForEvent(anaA, 'timer:phase', (p) => p.userId === ben.userId && p.state === 'focus' && p.cycle === 2, 15_000);
    const longBreak = waitForEvent(anaA, 'timer:phase', (p) => p.userId === ben.userId && p.state === 'break' && p.cycle === 2, 15_000);
    const benState2 = waitForEvent(benB, 'timer:state', (p) => p.timer?.state === 'break');
    const pomo = await app.http.post('/api/timer/start', { token: ben.token, body: { groupId: group.id, pomodoro } });
    expect(pomo.status).toBe(201);
    expect(pomo.body).toMatchObject({ mode: 'pomodoro', state: 'focus', cycle: 1, pomodoro });
    expect(await breakPhase).toMatchObject({ groupId: group.id, phaseEndsAt: expect.any(String) });
    expect((await benState2).timer).toMatchObject({ state: 'break', cycle: 1 });
    await secondFocus;
    const long = await longBreak;
    // The long break lasts 3 "minutes".
    expect(Date.parse(long.phaseEndsAt!) - Date.now()).toBeGreaterThan(1500);

    // Paused during the long break, the clock freezes there.
    const pausedInBreak = await app.http.post('/api/timer/pause', { token: ben.token });
    expect(pausedInBreak.body).toMatchObject({ state: 'paused', cycle: 2, focusSeconds: 4 });
    const late = await emitAck(cleoB, 'room:join', { groupId: group.id });
    expect(late.state.members.find((m: { userId: string }) => m.userId === ben.userId)?.timer).toMatchObject({ state: 'paused', cycle: 2, focusSeconds: 4 });
    const stop = await app.http.post('/api/timer/stop', { token: ben.token, body: {} });
    expect(stop.body.session).toMatchObject({ mode: 'pomodoro', durationSeconds: 4, endReason: 'stopped' });
    expect(stop.body.session.rawSeconds).toBeGreaterThanOrEqual(5); // 2 focus + 1 break + 2 focus, then the long break
  }, 60_000);

  it('when a socket-started timer loses its only socket, then it stops after the grace ending at the disconnect; back within the grace it keeps running', async () => {
    const dan = await app.signedUpUser('dan');
    const socket = await connectSocket(nodeB.url, dan.token);
    expect(await emitAck(socket, 'timer:start', {})).toMatchObject({ ok: true });
    // Some counted time before leaving.
    await eventually(async () => expect((await app.http.get('/api/timer', { token: dan.token })).body.timer.focusSeconds).toBeGreaterThanOrEqual(1));
    socket.disconnect();
    const goneAt = Date.now();
    const stored = await eventually(
      async () => {
        const row = await StudySession.findOne({ where: { userId: dan.userId } });
        expect(row).not.toBeNull();
        return row!;
      },
      { timeout: 20_000 },
    );
    expect(stored.endReason).toBe('disconnected');
    // The end is the disconnect, not the end of the grace.
    expect(Math.abs(stored.endedAt.getTime() - goneAt)).toBeLessThan(1000);
    expect((await app.http.get('/api/timer', { token: dan.token })).body).toEqual({ timer: null });

    // Back within the grace: nothing changes.
    const eve = await app.signedUpUser('eve');
    const first = await connectSocket(app.url, eve.token);
    expect(await emitAck(first, 'timer:start', {})).toMatchObject({ ok: true });
    first.disconnect();
    const again = await connectSocket(nodeB.url, eve.token);
    // Twice the grace and a sweep later, the timer still runs.
    const until = Date.now() + 2 * 2000 + 5000;
    await eventually(
      async () => {
        expect((await app.http.get('/api/timer', { token: eve.token })).body.timer).not.toBeNull();
        if (Date.now() < until) throw new Error('still waiting');
      },
      { timeout: 15_000, interval: 500 },
    );
    expect(await redis.zscore(`${app.env.REDIS_KEY_PREFIX}timer-afk`, eve.userId)).toBeNull();
    again.disconnect();
  }, 60_000);
});
