import { Redis } from 'ioredis';
import { Grouping } from '../../src/db/models';
import { stopTimer } from '../../src/components/timers/timer.service';
import { isSentinel, userSentinel } from '../helpers/sentinel';
import { eventually } from '../helpers/eventually';
import { connectSocket, emitAck, recordEvents, waitForEvent } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { createGroup } from './fixtures';

describe('study timers', () => {
  let app: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    // 30 s: a start and a stop in a row on a loaded machine stay under it; the other tests back-date their timers by more.
    app = await startTestApp({ env: { MIN_SESSION_SECONDS: '30' } });
    redis = new Redis(app.env.REDIS_URL!);
  });
  afterAll(async () => {
    redis.disconnect();
    await app.stop();
  });
  const key = (...parts: string[]) => `${app.env.REDIS_KEY_PREFIX}${parts.join(':')}`;

  it('when a timer is started over REST, then a second start is 409, GET shows it, Redis holds it, and a stop under the minimum is discarded', async () => {
    const u = await app.signedUpUser('tim');
    const socket = await connectSocket(app.url, u.token);
    const state = waitForEvent(socket, 'timer:state', (p) => p.timer !== null);
    const started = await app.http.post('/api/timer/start', { token: u.token, body: {} });
    expect(started.status).toBe(201);
    expect(started.body).toEqual({
      startedAt: expect.any(String),
      groupId: null,
      mode: 'stopwatch',
      state: 'focus',
      subject: null,
      focusSeconds: expect.any(Number),
      pausedSeconds: 0,
      phaseEndsAt: null,
      cycle: null,
      pomodoro: null,
    });
    const { focusSeconds: _f, ...same } = started.body;
    expect((await state).timer).toMatchObject(same);
    expect((await app.http.post('/api/timer/start', { token: u.token, body: {} })).status).toBe(409);
    expect((await app.http.get('/api/timer', { token: u.token })).body).toMatchObject({ timer: same });
    expect(JSON.parse((await redis.get(key('timer', u.userId)))!)).toMatchObject({
      startedAt: started.body.startedAt,
      groupId: null,
      sessionUuid: expect.any(String),
      origin: 'rest',
      pausedMs: 0,
      pausedAt: null,
    });
    expect(await redis.zscore(key('timers'), u.userId)).toBe(String(Date.parse(started.body.startedAt)));

    const stopped = await app.http.post('/api/timer/stop', { token: u.token, body: {} });
    expect(stopped.body).toEqual({ session: null, discarded: true });
    expect((await app.http.post('/api/timer/stop', { token: u.token, body: {} })).status).toBe(409);
    expect((await app.http.get('/api/timer', { token: u.token })).body).toEqual({ timer: null });
    expect(await redis.zscore(key('timers'), u.userId)).toBeNull();
  });

  it('when a group timer is stopped after a while, then a persist-session job is queued and the room and the other tab hear it, not the acting socket', async () => {
    const u = await app.signedUpUser('gus');
    const group = await createGroup(u);
    const tab1 = await connectSocket(app.url, u.token);
    const tab2 = await connectSocket(app.url, u.token);
    await emitAck(tab2, 'room:join', { groupId: group.id });
    const tab1Seen = recordEvents(tab1);
    const started = await emitAck(tab1, 'timer:start', { groupId: group.id });
    expect(started.ok).toBe(true);
    // Back-date the start by 90 s (as if the user had studied).
    const stored = JSON.parse((await redis.get(key('timer', u.userId)))!);
    const startedAt = new Date(Date.now() - 90_000).toISOString();
    await redis.set(key('timer', u.userId), JSON.stringify({ ...stored, startedAt }));
    const stoppedEvent = waitForEvent(tab2, 'timer:stopped');
    const stateEvent = waitForEvent(tab2, 'timer:state', (p) => p.timer === null);
    const ack = await emitAck(tab1, 'timer:stop', { notes: ' chapter 3 ' });
    expect(ack).toEqual({
      ok: true,
      discarded: false,
      session: {
        id: null,
        sessionUuid: stored.sessionUuid,
        groupId: group.id,
        durationSeconds: expect.any(Number),
        sessionDate: startedAt,
        startedAt,
        endedAt: expect.any(String),
        sessionNotes: 'chapter 3',
        rawSeconds: expect.any(Number),
        pausedSeconds: 0,
        mode: 'stopwatch',
        subject: null,
        endReason: 'stopped',
      },
    });
    expect(ack.session!.durationSeconds).toBeGreaterThanOrEqual(90);
    expect(await stoppedEvent).toEqual({ groupId: group.id, userId: u.userId, durationSeconds: ack.session!.durationSeconds });
    await stateEvent;
    const job = await app.node.ctx.queues.sessions.getJob(stored.sessionUuid);
    expect(job?.data).toMatchObject({
      sessionUuid: stored.sessionUuid,
      userId: u.userId,
      groupId: group.id,
      durationSeconds: ack.session!.durationSeconds,
      notes: 'chapter 3',
    });
    // The acting tab got the ack, not timer:state: a timer:state sent to it would have
    // come before this sentinel (the user's next timer, heard by all of their tabs).
    await userSentinel(app.http, u, [tab1]);
    expect(tab1Seen.filter((e) => e.event === 'timer:state' && !isSentinel(e))).toEqual([]);
  });

  it('when the maintenance job stops a forgotten timer, then the duration is capped', async () => {
    const u = await app.signedUpUser('old');
    await app.http.post('/api/timer/start', { token: u.token, body: {} });
    const stored = JSON.parse((await redis.get(key('timer', u.userId)))!);
    await redis.set(key('timer', u.userId), JSON.stringify({ ...stored, startedAt: new Date(Date.now() - 20 * 3600_000).toISOString() }));
    const result = await stopTimer(app.node.ctx, { userId: u.userId, capSeconds: 12 * 3600 });
    expect(result?.session).toMatchObject({ durationSeconds: 12 * 3600 });
    expect(Date.parse(result!.session!.endedAt) - Date.parse(result!.session!.startedAt)).toBe(12 * 3600_000);
    expect(await stopTimer(app.node.ctx, { userId: u.userId })).toBeNull();
  });

  it('when the session cannot be queued, then the stop is still acknowledged from its durable pending record and queued once the queue answers', async () => {
    const u = await app.signedUpUser('una');
    await app.http.post('/api/timer/start', { token: u.token, body: {} });
    const raw = await redis.get(key('timer', u.userId));
    const stored = JSON.parse(raw!);
    await redis.set(key('timer', u.userId), JSON.stringify({ ...stored, startedAt: new Date(Date.now() - 60_000).toISOString() }));
    const queue = app.node.ctx.queues.sessions;
    const original = queue.add.bind(queue);
    (queue as any).add = () => Promise.reject(new Error('Connection is closed.'));
    try {
      const res = await app.http.post('/api/timer/stop', { token: u.token, body: {} });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ discarded: false, session: { sessionUuid: stored.sessionUuid } });
      // Not running any more, but not lost: the stop waits in its pending record.
      expect(await redis.get(key('timer', u.userId))).toBeNull();
      expect(JSON.parse((await redis.get(key('timer-stop', u.userId)))!).timer.sessionUuid).toBe(stored.sessionUuid);
    } finally {
      (queue as any).add = original;
    }
    // The node's recovery sweep queues it once the queue answers again.
    await eventually(async () => expect(await queue.getJob(stored.sessionUuid)).toBeTruthy(), { timeout: 20_000, interval: 200 });
    await eventually(async () => expect(await redis.get(key('timer-stop', u.userId))).toBeNull());
  });

  it('when a room is joined, then the connected-sockets gauge and groupings.is_connected follow', async () => {
    const u = await app.signedUpUser('gau');
    const group = await createGroup(u);
    const socket = await connectSocket(app.url, u.token);
    await emitAck(socket, 'room:join', { groupId: group.id });
    expect((await Grouping.findOne({ where: { groupId: group.id, userId: u.userId } }))!.isConnected).toBe(true);
    const metrics = await app.http.get('/metrics');
    expect(metrics.body).toMatch(/studysync_connected_sockets\{role="api"\} [1-9]/);
  });

  it('when the OpenAPI document is generated, then the timer and chat routes are in it', async () => {
    const doc = await app.http.get('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/timer', '/api/timer/start', '/api/timer/stop', '/api/groups/{id}/messages', '/api/messages/{id}']),
    );
  });
});
