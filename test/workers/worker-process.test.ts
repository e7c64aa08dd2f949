import net from 'node:net';
import { loadConfig } from '../../src/lib/config';
import { createQueues, type Queues } from '../../src/lib/queues';
import { eventually } from '../helpers/eventually';
import { freePort, spawnWorker, type Proc } from '../helpers/processes';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { makeUser, sessionJob } from '../sessions/fixtures';

jest.setTimeout(60_000);

type LogLine = { level: number; msg: string; queue?: string; code?: string; attempts?: number; err?: { type: string; message: string; stack: string } };
interface TcpProxy {
  port: number;
  /** Stops listening and cuts every connection: the target looks down. */
  close(): Promise<void>;
}

/** A loopback TCP proxy to host:port, for taking a dependency away from a child process. */
async function tcpProxy(host: string, port: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

const logLines = (proc: Proc): LogLine[] =>
  proc
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

/** The worker as production runs it: its own process, health endpoints, job failures mapped like requests. */
describe('the worker process', () => {
  let app: TestApp;
  let worker: Proc;
  let opsUrl: string;
  const extra: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    app = await startTestApp();
    const port = await freePort();
    worker = await spawnWorker({ ...app.env, WORKER_METRICS_PORT: String(port) });
    opsUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await Promise.all([worker?.stop(), ...extra.map((p) => p.stop())]);
    await app?.stop();
  });

  it('when it runs with WORKER_METRICS_PORT, then /healthz and /readyz answer 200 and /metrics has the queue depths', async () => {
    const health = await fetch(`${opsUrl}/healthz`);
    expect({ status: health.status, body: await health.json() }).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await fetch(`${opsUrl}/readyz`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { status: 'ok', checks: { postgres: 'up', redis: 'up' } } });
    const metrics = await fetch(`${opsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^studysync_queue_jobs\{queue="sessions",state="waiting",role="worker"\} \d+$/m);
    expect((await fetch(`${opsUrl}/nope`)).status).toBe(404);
  });

  it('when a job carries invalid data, then it fails at once as VALIDATION_FAILED (no retry) and the log keeps the stack', async () => {
    const job = await app.node.ctx.queues.sessions.add('persist-session', { ...sessionJob('user_x', new Date(), 10), durationSeconds: -5 });
    await eventually(async () => expect(await job.getState()).toBe('failed'), { timeout: 15_000, interval: 100 });
    const failed = await app.node.ctx.queues.sessions.getJob(job.id ?? '');
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toBe('VALIDATION_FAILED: Invalid data.durationSeconds');
    await eventually(() => expect(logLines(worker).filter((l) => l.msg === 'job failed for good')).toHaveLength(1));
    const [line] = logLines(worker).filter((l) => l.msg === 'job failed for good');
    expect(line).toMatchObject({ level: 50, code: 'VALIDATION_FAILED', attempts: 1, err: { type: 'UnrecoverableError' } });
    expect(line?.err?.stack).toMatch(/Caused by: AppError: Invalid data\.durationSeconds\n\s+at /);
  });

  describe('when PostgreSQL becomes unreachable', () => {
    let broken: Proc;
    let queues: Queues;
    let brokenOps: string;
    let proxy: TcpProxy;
    beforeAll(async () => {
      // Its own queues (a prefix under the test's), so the healthy worker never takes its
      // jobs; PostgreSQL through a proxy this test closes once the worker runs.
      const database = new URL(app.env.DATABASE_URL ?? '');
      proxy = await tcpProxy(database.hostname, Number(database.port || 5432));
      database.port = String(proxy.port);
      const env = { ...app.env, REDIS_KEY_PREFIX: `${app.env.REDIS_KEY_PREFIX}broken:`, DATABASE_URL: database.toString() };
      const port = await freePort();
      broken = await spawnWorker({ ...env, WORKER_METRICS_PORT: String(port) });
      brokenOps = `http://127.0.0.1:${port}`;
      queues = createQueues(loadConfig(env));
      extra.push(broken, { stop: () => queues.close() });
      await proxy.close();
    });

    it('then /readyz answers 503 naming postgres while /healthz stays 200', async () => {
      const ready = await fetch(`${brokenOps}/readyz`);
      expect({ status: ready.status, body: await ready.json() }).toEqual({
        status: 503,
        body: { error: { code: 'UNAVAILABLE', message: 'postgres unavailable', details: { postgres: 'down', redis: 'up' } } },
      });
      expect((await fetch(`${brokenOps}/healthz`)).status).toBe(200);
    });

    it('then a job is retried as UNAVAILABLE until its attempts run out, each failure logged with its stack', async () => {
      const user = await makeUser('retry');
      const job = await queues.sessions.add('persist-session', sessionJob(user.userId, new Date(Date.now() - 60_000), 30), {
        attempts: 2,
        backoff: { type: 'fixed', delay: 50 },
      });
      await eventually(async () => expect(await job.getState()).toBe('failed'), { timeout: 30_000, interval: 100 });
      expect((await queues.sessions.getJob(job.id ?? ''))?.attemptsMade).toBe(2);
      const sessionFailures = (): LogLine[] => logLines(broken).filter((l) => l.queue === 'sessions' && l.msg.startsWith('job failed'));
      await eventually(() => expect(sessionFailures()).toHaveLength(2));
      const lines = sessionFailures();
      expect(lines.map((l) => [l.msg, l.code, l.attempts])).toEqual([
        ['job failed; will retry', 'UNAVAILABLE', 1],
        ['job failed for good', 'UNAVAILABLE', 2],
      ]);
      for (const line of lines) expect(line.err?.stack).toMatch(/^Sequelize\w*Error: .*\n\s+at /);
    });
  });
});
