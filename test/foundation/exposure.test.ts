import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/lib/config';
import { eventually } from '../helpers/eventually';
import { spawnWorker, type Proc } from '../helpers/processes';
import { startTestApp, type TestApp } from '../helpers/test-app';

const PEM = '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----';
const directives = (csp: string | null): Map<string, string[]> =>
  new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );

/** Can a TCP connection be opened to host:port? */
const reachable = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2000);
    const done = (result: boolean): void => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });

describe('security headers follow the scheme and the allowed origins', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { CORS_ORIGINS: 'https://app.example.com,http://localhost:5173' } });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('when served over plain HTTP, then CSP has no upgrade-insecure-requests and no HSTS is sent', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(directives(res.headers.get('content-security-policy')).has('upgrade-insecure-requests')).toBe(false);
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('when served over HTTPS behind the trusted proxy (X-Forwarded-Proto), then both are sent', async () => {
    const res = await fetch(`${app.url}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(directives(res.headers.get('content-security-policy')).has('upgrade-insecure-requests')).toBe(true);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it("when a page is served, then connect-src is 'self', the page's own WebSocket origin and CORS_ORIGINS (and their ws/wss forms) only", async () => {
    const host = new URL(app.url).host;
    const res = await fetch(`${app.url}/healthz`);
    const connect = directives(res.headers.get('content-security-policy')).get('connect-src') ?? [];
    expect(connect.sort()).toEqual(
      ["'self'", `ws://${host}`, 'https://app.example.com', 'wss://app.example.com', 'http://localhost:5173', 'ws://localhost:5173'].sort(),
    );
    const secure = await fetch(`${app.url}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(directives(secure.headers.get('content-security-policy')).get('connect-src')).toContain(`wss://${host}`);
  });
});

describe('what a development stack exposes', () => {
  it('when HOST is unset, then development and test bind to 127.0.0.1 and production to every interface; HOST wins', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test' }).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'production', CLERK_JWT_KEY: PEM }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(() => loadConfig({ HOST: 'not a host!' })).toThrow(/HOST/);
  });

  it('when a development node runs, then it cannot be reached on the machine’s other addresses', async () => {
    const app = await startTestApp({ devAuth: true });
    try {
      expect((await app.http.get('/readyz')).status).toBe(200);
      const port = Number(new URL(app.url).port);
      expect(await reachable('127.0.0.1', port)).toBe(true);
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
      if (external) expect(await reachable(external, port)).toBe(false);
    } finally {
      await app.stop();
    }
  });

  it('when METRICS_TOKEN is set, then /metrics needs it as a bearer token (401 otherwise)', async () => {
    const app = await startTestApp({ env: { METRICS_TOKEN: 'metrics-secret-0123456789' } });
    try {
      const none = await app.http.get('/metrics');
      expect(none.status).toBe(401);
      expect(none.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
      expect((await app.http.get('/metrics', { token: 'wrong' })).status).toBe(401);
      const ok = await app.http.get('/metrics', { token: 'metrics-secret-0123456789' });
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('studysync_http_request_duration_seconds');
    } finally {
      await app.stop();
    }
  });

  it('when production runs without METRICS_TOKEN, then /metrics is closed (401)', async () => {
    const app = await startTestApp({ env: { NODE_ENV: 'production' } });
    try {
      expect((await app.http.get('/readyz')).status).toBe(200);
      expect((await app.http.get('/metrics')).status).toBe(401);
      expect((await app.http.get('/healthz')).status).toBe(200);
    } finally {
      await app.stop();
    }
  });

  it('when a worker serves metrics, then it binds to HOST and needs the same token', async () => {
    const app = await startTestApp();
    let worker: Proc | undefined;
    try {
      worker = await spawnWorker({ ...app.env, WORKER_METRICS_PORT: '0', METRICS_TOKEN: 'worker-metrics-token' });
      const port = await eventually(() => {
        const match = /"metricsPort":(\d+)/.exec(worker!.output());
        if (!match) throw new Error('no port yet');
        return Number(match[1]);
      });
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: 'Bearer worker-metrics-token' } })).status).toBe(200);
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
      if (external) expect(await reachable(external, port)).toBe(false);
    } finally {
      await worker?.stop();
      await app.stop();
    }
  }, 60_000);

  it('when docker compose runs with its defaults, then the nodes listen inside their containers and the load balancer is published on 127.0.0.1 only', () => {
    const compose = fs.readFileSync(path.resolve(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');
    expect(compose).toMatch(/^\s+HOST: "0\.0\.0\.0"$/m);
    expect(compose).toMatch(/- "\$\{STUDYSYNC_BIND:-127\.0\.0\.1\}:\$\{STUDYSYNC_PORT:-3000\}:80"/);
    expect(compose).toMatch(/METRICS_TOKEN: \$\{METRICS_TOKEN:-\}/);
  });
});
