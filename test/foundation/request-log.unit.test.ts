/**
 * The request log and duration metric (src/lib/http/request-log.ts) on a real Express
 * server: one line per request at its status's level, nothing for polled paths, the
 * histogram labelled by route template.
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { Registry } from 'prom-client';
import { requestLogAndMetrics } from '../../src/lib/http/request-log';
import { httpDurationHistogram } from '../../src/lib/metrics';

async function serve(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const registry = new Registry();
  const app = express();
  app.use(requestLogAndMetrics(pino({ level }, sink), httpDurationHistogram(registry)));
  app.get('/items/:id', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/healthz', (_req, res) => {
    res.status(500).end();
  });
  app.get('/boom', (_req, res) => {
    res.status(503).json({ error: 'x' });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, lines, registry, close: () => new Promise((resolve) => server.close(resolve)) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('request log and metrics', () => {
  it('when requests finish at info level, then 4xx/5xx are logged once with id, method, url, status and time, 2xx and polled paths are not', async () => {
    const s = await serve('info');
    try {
      expect((await fetch(`${s.url}/items/7?x=1`)).status).toBe(200);
      expect((await fetch(`${s.url}/nowhere`)).status).toBe(404);
      expect((await fetch(`${s.url}/boom`)).status).toBe(503);
      expect((await fetch(`${s.url}/healthz`)).status).toBe(500);
      await settle();
      expect(s.lines.map((l) => [l.level, (l.req as { url: string }).url, (l.res as { statusCode: number }).statusCode, l.msg])).toEqual([
        [30, '/nowhere', 404, 'request completed'],
        [50, '/boom', 503, 'request completed'],
      ]);
      const ids = s.lines.map((l) => (l.req as { id: number }).id);
      expect(new Set(ids).size).toBe(2);
      expect(typeof s.lines[0]!.responseTime).toBe('number');
    } finally {
      await s.close();
    }
  });

  it('when debug is enabled, then successes are logged too', async () => {
    const s = await serve('debug');
    try {
      await fetch(`${s.url}/items/1`);
      await settle();
      expect(s.lines).toHaveLength(1);
      expect(s.lines[0]).toMatchObject({ level: 20, req: { method: 'GET', url: '/items/1' }, res: { statusCode: 200 } });
    } finally {
      await s.close();
    }
  });

  it('when requests finish, then the duration histogram counts them by route template and status', async () => {
    const s = await serve('warn');
    try {
      await fetch(`${s.url}/items/1`);
      await fetch(`${s.url}/items/2`);
      await fetch(`${s.url}/nowhere`);
      await settle();
      const text = await s.registry.metrics();
      expect(text).toContain('studysync_http_request_duration_seconds_count{method="GET",route="/items/:id",status="200"} 2');
      expect(text).toContain('studysync_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1');
    } finally {
      await s.close();
    }
  });
});
