import { Redis } from 'ioredis';
import { QueryTypes } from 'sequelize';
import { stopTimer } from '../../src/components/timers/timer.service';
import type { AppContext } from '../../src/context';
import { stopStaleTimers } from '../../src/components/timers';
import { eventually } from '../helpers/eventually';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

/**
 * A stop hands the running timer over to its persist job. These tests cut the API node
 * off exactly between the two steps (the enqueue never returns, as when the process is
 * SIGKILLed there) and check the promise: at every instant a timer is running, pending
 * or stored, and it ends up stored exactly once. The real SIGKILL is in the fault drill.
 */
describe('the stop hand-over survives a node dying mid-stop', () => {
  let app: TestApp;
  let ctx: AppContext;
  let redis: Redis;
  const key = (...parts: string[]) => `${app.env.REDIS_KEY_PREFIX}${parts.join(':')}`;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    ctx = app.node.ctx;
    redis = new Redis(app.env.REDIS_URL!);
  });
  afterAll(async () => {
    redis.disconnect();
    await app.stop();
  });

  /**
   * The node "dies" at the enqueue: the call never returns. `reached` resolves once the
   * stop got there; `restore` puts the real enqueue back for everything after.
   */
  const cutOffAtEnqueue = (): { reached: Promise<void>; restore(): void } => {
    const queue = ctx.queues.sessions;
    const original = queue.add.bind(queue);
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    (queue as any).add = () => {
      arrived();
      return new Promise(() => undefined);
    };
    return {
      reached,
      restore: () => {
        (queue as any).add = original;
      },
    };
  };

  const startBackdated = async (token: string, userId: string, secondsAgo: number): Promise<string> => {
    expect((await app.http.post('/api/timer/start', { token, body: {} })).status).toBe(201);
    const stored = JSON.parse((await redis.get(key('timer', userId)))!);
    const startedAt = Date.now() - secondsAgo * 1000;
    await redis.set(key('timer', userId), JSON.stringify({ ...stored, startedAt: new Date(startedAt).toISOString() }));
    await redis.zadd(key('timers'), startedAt, userId);
    return stored.sessionUuid as string;
  };

  const storedRows = async (sessionUuid: string): Promise<number> => {
    const [row] = await ctx.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM study_sessions WHERE session_uuid = :sessionUuid', {
      replacements: { sessionUuid },
      type: QueryTypes.SELECT,
    });
    return row!.n;
  };

  /** Running (timer key), pending (a durable record of the stop) or stored/queued. */
  const whereIs = async (userId: string, sessionUuid: string): Promise<string[]> => {
    const places: string[] = [];
    const running = await redis.get(key('timer', userId));
    if (running && JSON.parse(running).sessionUuid === sessionUuid) places.push('running');
    const pending = await redis.get(key('timer-stop', userId));
    if (pending?.includes(sessionUuid)) places.push('pending');
    if (await ctx.queues.sessions.getJob(sessionUuid)) places.push('queued');
    if ((await storedRows(sessionUuid)) > 0) places.push('stored');
    return places;
  };

  it('when the node dies after taking the timer and before queuing its job, then the stop is pending and a worker stores it exactly once', async () => {
    const u = await app.signedUpUser('cut');
    const sessionUuid = await startBackdated(u.token, u.userId, 90);
    const cut = cutOffAtEnqueue();
    try {
      void stopTimer(ctx, { userId: u.userId, notes: 'mid-stop' });
      await cut.reached;
      expect(await redis.get(key('timer', u.userId))).toBeNull();
      // The timer is no longer running: it must be somewhere durable.
      expect(await whereIs(u.userId, sessionUuid)).toEqual(['pending']);
    } finally {
      cut.restore();
    }
    // Nobody retries the stop: the recovery sweep turns the pending record into its job.
    await eventually(async () => expect(await storedRows(sessionUuid)).toBe(1), { timeout: 30_000, interval: 200 });
    await eventually(async () => expect(await redis.get(key('timer-stop', u.userId))).toBeNull());
    const [row] = await ctx.sequelize.query<{ duration_seconds: number; session_notes: string }>(
      'SELECT duration_seconds, session_notes FROM study_sessions WHERE session_uuid = :sessionUuid',
      { replacements: { sessionUuid }, type: QueryTypes.SELECT },
    );
    expect(row!.duration_seconds).toBeGreaterThanOrEqual(90);
    expect(row!.session_notes).toBe('mid-stop');
  });

  it('when a stop is retried while its hand-over is pending, then it answers the pending session and the session is stored once', async () => {
    const u = await app.signedUpUser('retry');
    const sessionUuid = await startBackdated(u.token, u.userId, 60);
    const cut = cutOffAtEnqueue();
    try {
      void stopTimer(ctx, { userId: u.userId, notes: 'first try' });
      await cut.reached;
      expect(await redis.get(key('timer', u.userId))).toBeNull();
    } finally {
      cut.restore();
    }
    const retried = await app.http.post('/api/timer/stop', { token: u.token, body: { notes: 'second try' } });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ discarded: false, session: { sessionUuid, sessionNotes: 'first try' } });
    expect(retried.body.session.durationSeconds).toBeGreaterThanOrEqual(60);
    // Once the job is queued the pending record is gone, and a third stop finds nothing.
    expect(await redis.get(key('timer-stop', u.userId))).toBeNull();
    expect((await app.http.post('/api/timer/stop', { token: u.token, body: {} })).status).toBe(409);
    await eventually(async () => expect(await storedRows(sessionUuid)).toBe(1), { timeout: 30_000, interval: 200 });
  });

  it('when a new timer is started while a stop is pending, then both sessions are kept', async () => {
    const u = await app.signedUpUser('again');
    const first = await startBackdated(u.token, u.userId, 30);
    const cut = cutOffAtEnqueue();
    try {
      void stopTimer(ctx, { userId: u.userId });
      await cut.reached;
      expect(await redis.get(key('timer', u.userId))).toBeNull();
    } finally {
      cut.restore();
    }
    const second = await startBackdated(u.token, u.userId, 20);
    expect(second).not.toBe(first);
    expect((await app.http.post('/api/timer/stop', { token: u.token, body: {} })).body).toMatchObject({ session: { sessionUuid: second } });
    await eventually(async () => {
      expect(await storedRows(first)).toBe(1);
      expect(await storedRows(second)).toBe(1);
    });
  });

  it('when the stale-timer sweep is cut off mid-stop, then the capped session is pending and recovered', async () => {
    const u = await app.signedUpUser('stale');
    const sessionUuid = await startBackdated(u.token, u.userId, 20 * 3600);
    const cut = cutOffAtEnqueue();
    try {
      void stopStaleTimers(ctx);
      await cut.reached;
      expect(await redis.get(key('timer', u.userId))).toBeNull();
      expect(await whereIs(u.userId, sessionUuid)).toEqual(['pending']);
    } finally {
      cut.restore();
    }
    await eventually(async () => expect(await storedRows(sessionUuid)).toBe(1), { timeout: 30_000, interval: 200 });
    const [row] = await ctx.sequelize.query<{ duration_seconds: number }>('SELECT duration_seconds FROM study_sessions WHERE session_uuid = :sessionUuid', {
      replacements: { sessionUuid },
      type: QueryTypes.SELECT,
    });
    expect(row!.duration_seconds).toBe(12 * 3600);
  });
});
