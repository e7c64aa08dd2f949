import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** With the web client served, only browser navigations get its index.html; API clients get the JSON 404. */
describe('unknown paths when the web client is served', () => {
  let app: TestApp;
  let webDir: string;
  beforeAll(async () => {
    webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'studysync-web-'));
    fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>StudySync</title>');
    fs.mkdirSync(path.join(webDir, 'assets'));
    fs.writeFileSync(path.join(webDir, 'assets', 'index-3f2a9c.js'), 'console.log(1)');
    fs.writeFileSync(path.join(webDir, 'favicon.ico'), Buffer.from([0, 0, 1, 0]));
    app = await startTestApp({ env: { WEB_DIR: webDir } });
  });
  afterAll(async () => {
    await app.stop();
    fs.rmSync(webDir, { recursive: true, force: true });
  });

  it('when a JSON client asks for an unknown path, then 404 NOT_FOUND in the error format', async () => {
    for (const accept of [undefined, '*/*', 'application/json']) {
      const res = await app.http.get('/no/such/route', accept ? { headers: { accept } } : {});
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    }
  });

  it('when a browser navigates to an unknown path, then the web client is served', async () => {
    const res = await app.http.get('/some/page', { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(res.status).toBe(200);
    expect(String(res.body)).toContain('<title>StudySync</title>');
    expect((await app.http.get('/', { headers: { accept: '*/*' } })).status).toBe(200);
  });

  it('when the client is loaded, then index.html revalidates every time and hashed assets are cached for a year', async () => {
    for (const url of ['/', '/index.html', '/g/1/room']) {
      const res = await app.http.get(url, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
    const asset = await app.http.get('/assets/index-3f2a9c.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const icon = await app.http.get('/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });
});
