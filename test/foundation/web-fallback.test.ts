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
});
