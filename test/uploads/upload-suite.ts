/**
 * Uploads through the real edges (HTTP, PostgreSQL, the object store): one suite, run by
 * `uploads.disk.test.ts` and `uploads.s3.test.ts` (a local s3rver, never the network).
 * One driver per test file: Clerk's verifier keeps the first PEM key of a process, so
 * each file runs one test app.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Client } from 'pg';
import { signToken } from '../../src/components/uploads/uploads.rules';
import { tokenKey } from '../../src/components/uploads/uploads.store';
import type { DiskStorage } from '../../src/lib/storage';
import { addMember, createGroup, type U } from '../groups/group-fixtures';
import { eventually } from '../helpers/eventually';
import { startTestS3, useTestS3Credentials, type TestS3Server } from '../helpers/s3-server';
import { startTestApp, type TestApp } from '../helpers/test-app';

const MB = 1024 * 1024;
const sha = (b: Buffer | Uint8Array): string => createHash('sha256').update(b).digest('hex');

export function uploadSuite(driver: 'disk' | 's3'): void {
  jest.setTimeout(60_000);
  describe(`uploads with the ${driver} store`, () => {
    let app: TestApp;
    let s3: TestS3Server | undefined;
    let db: Client;
    let leader: U;
    let member: U;
    let stranger: U;
    let group: any;

    beforeAll(async () => {
      let env: Record<string, string> = {};
      if (driver === 's3') {
        useTestS3Credentials();
        s3 = await startTestS3();
        env = s3.env;
      }
      app = await startTestApp({ env: { ...env, UPLOAD_MAX_BYTES: String(6 * MB), GROUP_STORAGE_QUOTA_BYTES: String(20 * MB) } });
      [leader, member, stranger] = await Promise.all([app.signedUpUser('lead'), app.signedUpUser('mem'), app.signedUpUser('stranger')]);
      group = await createGroup(app, leader, { groupType: 'community', visibility: 'private' });
      await addMember(app, group, leader, member);
      db = new Client({ connectionString: app.isolation.databaseUrl });
      await db.connect();
    });
    afterAll(async () => {
      await db?.end();
      await app?.stop();
      await s3?.stop();
    });

    const createUpload = (u: U, body: Record<string, unknown>, g = group) => app.http.post(`/api/groups/${g.id}/uploads`, { token: u.token, body });
    const send = (ticket: any, bytes: Buffer, headers: Record<string, string> = {}) =>
      fetch(ticket.url, { method: ticket.method, headers: { ...ticket.headers, ...headers }, body: bytes });
    const attach = (u: U, body: Record<string, unknown>, g = group) => app.http.post(`/api/groups/${g.id}/resources`, { token: u.token, body });
    const content = (id: number, headers: Record<string, string> = {}, token?: string) =>
      fetch(`${app.url}/api/resources/${id}/content`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, redirect: 'manual' });
    /** Follows the S3 redirect (without the bearer, as a browser does across origins). */
    const download = async (id: number, token: string, headers: Record<string, string> = {}): Promise<Response> => {
      const first = await content(id, headers, token);
      if (first.status !== 302) return first;
      return fetch(first.headers.get('location')!, { headers });
    };
    const stored = (key: string) => app.node.ctx.storage.stat(key);
    const uploadRow = async (id: string) => (await db.query('SELECT status, storage_key FROM uploads WHERE id = $1', [id])).rows[0];
    const countUploads = async (groupId: number) => (await db.query('SELECT count(*)::int AS n FROM uploads WHERE group_id = $1', [groupId])).rows[0].n;
    const countResources = async (groupId: number) => (await db.query('SELECT count(*)::int AS n FROM resources WHERE group_id = $1', [groupId])).rows[0].n;
    const partials = (): string[] => (driver === 'disk' ? fs.readdirSync(path.join((app.node.ctx.storage as DiskStorage).root, '.partial')) : []);

    /** Upload `bytes` and attach them as a resource; returns the Resource. */
    async function uploaded(u: U, bytes: Buffer, contentType: string, resourceType: string, fileName = 'f.bin', g = group): Promise<any> {
      const ticket = await createUpload(u, { fileName, contentType, fileSize: bytes.length }, g);
      expect(ticket.status).toBe(201);
      const put = await send(ticket.body, bytes);
      expect(put.status).toBeLessThan(300);
      const res = await attach(u, { title: fileName, resourceType, uploadId: ticket.body.uploadId }, g);
      expect(res.status).toBe(201);
      return res.body;
    }

    it('when 5 MB are uploaded, attached and downloaded, then the bytes are identical (SHA-256) and the resource has the measured size', async () => {
      const bytes = randomBytes(5 * MB);
      const ticket = await createUpload(member, { fileName: 'Exam 2024.pdf', contentType: 'application/pdf', fileSize: bytes.length });
      expect(ticket.status).toBe(201);
      expect(ticket.body).toEqual({
        uploadId: expect.any(String),
        method: 'PUT',
        url: expect.any(String),
        headers: expect.any(Object),
        expiresAt: expect.any(String),
      });
      expect(ticket.body.headers['Content-Type']).toBe('application/pdf');
      if (driver === 'disk') expect(ticket.body.url).toMatch(new RegExp(`^${app.url}/api/uploads/${ticket.body.uploadId}\\?token=`));
      else expect(ticket.body.url.startsWith(s3!.endpoint)).toBe(true);

      expect((await send(ticket.body, bytes)).status).toBeLessThan(300);
      const res = await attach(member, { title: 'Exam 2024', resourceType: 'file', uploadId: ticket.body.uploadId, description: 'last year' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        resourceType: 'file',
        url: `/api/resources/${res.body.id}/content`,
        fileSize: bytes.length,
        contentType: 'application/pdf',
        uploadedBy: member.userId,
      });

      const first = await content(res.body.id, {}, leader.token);
      expect(first.headers.get('x-content-type-options')).toBe('nosniff');
      if (driver === 's3') {
        expect(first.status).toBe(302);
        expect(first.headers.get('location')!.startsWith(s3!.endpoint)).toBe(true);
      } else {
        expect(first.status).toBe(200);
        expect(first.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      }
      await first.arrayBuffer().catch(() => undefined);
      const got = await download(res.body.id, leader.token);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('application/pdf');
      expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename="Exam 2024.pdf"/);
      expect(sha(Buffer.from(await got.arrayBuffer()))).toBe(sha(bytes));
    });

    it('when a range of a video is asked for, then 206 with exactly those bytes, shown inline', async () => {
      const bytes = randomBytes(300_000);
      const video = await uploaded(member, bytes, 'video/mp4', 'video', 'lecture.mp4');
      const res = await download(video.id, member.token, { range: 'bytes=1000-1999' });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`);
      expect(res.headers.get('content-disposition')).toMatch(/^inline;/);
      expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(bytes.subarray(1000, 2000)));
    });

    it('when the declared size is over UPLOAD_MAX_BYTES, then 413 PAYLOAD_TOO_LARGE and nothing is stored', async () => {
      const before = await countUploads(group.id);
      const res = await createUpload(member, { fileName: 'big.zip', contentType: 'application/zip', fileSize: 6 * MB + 1 });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await countUploads(group.id)).toBe(before);
    });

    it('when uploads would pass the group quota, then 413 and nothing is stored; uploads in flight count, so parallel ones cannot together pass it', async () => {
      // A fresh group (quota 20 MB): 6 + 6 + 4 MB stored, then 5 parallel 1.5 MB uploads → exactly 2 fit.
      const g = await createGroup(app, leader);
      for (const size of [6 * MB, 6 * MB, 4 * MB]) await uploaded(leader, randomBytes(size), 'application/pdf', 'file', 'a.pdf', g);
      const before = await countUploads(g.id);
      const parallel = await Promise.all(
        Array.from({ length: 5 }, () => createUpload(leader, { fileName: 'b.pdf', contentType: 'application/pdf', fileSize: 1.5 * MB }, g)),
      );
      expect(parallel.map((r) => r.status).sort()).toEqual([201, 201, 413, 413, 413]);
      expect(parallel.find((r) => r.status === 413)!.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await countUploads(g.id)).toBe(before + 2);
      // Deleting a stored resource frees its room.
      const list = await app.http.get(`/api/groups/${g.id}/resources`, { token: leader.token });
      expect((await app.http.delete(`/api/resources/${list.body[0].id}`, { token: leader.token })).status).toBe(204);
      expect((await createUpload(leader, { fileName: 'c.pdf', contentType: 'application/pdf', fileSize: 4 * MB }, g)).status).toBe(201);
    });

    it('when more bytes than declared are sent, then they are refused and nothing is kept', async () => {
      const ticket = (await createUpload(member, { fileName: 'x.pdf', contentType: 'application/pdf', fileSize: 100_000 })).body;
      const res = await send(ticket, randomBytes(150_000));
      // The embedded store answers 413; S3 refuses a length other than the signed one (403).
      expect(res.status).toBe(driver === 'disk' ? 413 : 403);
      if (driver === 'disk') expect(((await res.json()) as any).error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await stored((await uploadRow(ticket.uploadId)).storage_key)).toBeNull();
      expect(partials()).toEqual([]);
      const attachRes = await attach(member, { title: 'x', resourceType: 'file', uploadId: ticket.uploadId });
      expect(attachRes.status).toBe(400);
      expect(attachRes.body.error.details[0].field).toBe('body.uploadId');
    });

    if (driver === 'disk') {
      it('when more bytes than declared are streamed without a Content-Length, then 413 once the limit is passed and nothing is kept', async () => {
        const ticket = (await createUpload(member, { fileName: 'y.pdf', contentType: 'application/pdf', fileSize: 100_000 })).body;
        const status = await new Promise<number>((resolve, reject) => {
          const req = http.request(ticket.url, { method: 'PUT', headers: { 'content-type': 'application/pdf', 'transfer-encoding': 'chunked' } }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          });
          req.on('error', reject);
          req.write(randomBytes(64_000));
          req.write(randomBytes(64_000));
        });
        expect(status).toBe(413);
        await eventually(async () => expect((await uploadRow(ticket.uploadId)).status).toBe('failed'));
        expect(await stored((await uploadRow(ticket.uploadId)).storage_key)).toBeNull();
        expect(partials()).toEqual([]);
      });

      it('when the Content-Type sent is not the declared one, then 400 and the upload URL still works with the right one', async () => {
        const bytes = randomBytes(1000);
        const ticket = (await createUpload(member, { fileName: 'n.md', contentType: 'text/markdown', fileSize: bytes.length })).body;
        const wrong = await send(ticket, bytes, { 'Content-Type': 'text/html' });
        expect(wrong.status).toBe(400);
        expect(((await wrong.json()) as any).error.details[0].field).toBe('headers.content-type');
        expect((await send(ticket, bytes)).status).toBe(204);
      });

      it('when the upload token is expired, then 410 GONE and nothing is stored', async () => {
        const ticket = (await createUpload(member, { fileName: 'old.pdf', contentType: 'application/pdf', fileSize: 10 })).body;
        const expired = signToken(await tokenKey(app.node.ctx), { purpose: 'put', subject: ticket.uploadId, exp: Math.floor(Date.now() / 1000) - 1 });
        const res = await fetch(`${app.url}/api/uploads/${ticket.uploadId}?token=${encodeURIComponent(expired)}`, {
          method: 'PUT',
          headers: ticket.headers,
          body: randomBytes(10),
        });
        expect(res.status).toBe(410);
        expect((await uploadRow(ticket.uploadId)).status).toBe('pending');
      });
    }

    it('when the content type is not allowed or does not fit the resource type, then 400 naming the field', async () => {
      for (const contentType of ['text/html', 'application/x-msdownload', 'image', 'application/javascript', 'image/png; foo=bar']) {
        const res = await createUpload(member, { fileName: 'x', contentType, fileSize: 10 });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
        expect(res.body.error.details.map((d: any) => d.field)).toContain('body.contentType');
      }
      const bytes = randomBytes(1000);
      const ticket = (await createUpload(member, { fileName: 'p.png', contentType: 'image/png', fileSize: bytes.length })).body;
      expect((await send(ticket, bytes)).status).toBeLessThan(300);
      const before = await countResources(group.id);
      const res = await attach(member, { title: 'p', resourceType: 'file', uploadId: ticket.uploadId });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toBe('body.resourceType');
      expect(await countResources(group.id)).toBe(before);
      // url may no longer be given for uploaded types; uploadId is required for them.
      const withUrl = await attach(member, { title: 'p', resourceType: 'image', url: 'https://example.com/p.png' });
      expect(withUrl.status).toBe(400);
      expect(withUrl.body.error.details.map((d: any) => d.field).sort()).toEqual(['body.uploadId', 'body.url']);
      // The same upload as an image is fine.
      expect((await attach(member, { title: 'p', resourceType: 'image', uploadId: ticket.uploadId })).status).toBe(201);
    });

    it('when a stranger calls every upload route of a private group and its content, then 404 each time and nothing changes', async () => {
      const bytes = randomBytes(2000);
      const ticket = (await createUpload(member, { fileName: 's.pdf', contentType: 'application/pdf', fileSize: bytes.length })).body;
      const resource = await uploaded(member, bytes, 'application/pdf', 'file', 'secret.pdf');
      const uploadsBefore = await countUploads(group.id);

      expect((await createUpload(stranger, { fileName: 's.pdf', contentType: 'application/pdf', fileSize: 10 })).status).toBe(404);
      const put = await fetch(`${app.url}/api/uploads/${ticket.uploadId}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${stranger.token}`, 'content-type': 'application/pdf' },
        body: bytes,
      });
      expect(put.status).toBe(404);
      const forged = await fetch(`${app.url}/api/uploads/${ticket.uploadId}?token=abc.def`, {
        method: 'PUT',
        headers: { 'content-type': 'application/pdf' },
        body: bytes,
      });
      expect(forged.status).toBe(404);
      expect((await attach(stranger, { title: 'x', resourceType: 'file', uploadId: ticket.uploadId })).status).toBe(404);
      expect((await content(resource.id, {}, stranger.token)).status).toBe(404);
      expect((await app.http.get(`/api/resources/${resource.id}/content-url`, { token: stranger.token })).status).toBe(404);
      expect((await content(resource.id)).status).toBe(401);
      expect(await countUploads(group.id)).toBe(uploadsBefore);
      expect((await uploadRow(ticket.uploadId)).status).toBe('pending');
    });

    it('when a member asks for a content URL, then it works without a bearer, only for that resource, and stops working for a stranger or once the member leaves', async () => {
      const img = await uploaded(member, randomBytes(3000), 'image/png', 'image', 'diagram.png');
      const other = await uploaded(member, randomBytes(3000), 'image/png', 'image', 'other.png');
      const friend = await app.signedUpUser('friend');
      await addMember(app, group, leader, friend);
      const res = await app.http.get(`/api/resources/${img.id}/content-url`, { token: friend.token });
      expect(res.status).toBe(200);
      expect(res.body.url).toMatch(new RegExp(`^/api/resources/${img.id}/content\\?access=`));
      const plain = await fetch(`${app.url}${res.body.url}`, { redirect: 'follow' });
      expect(plain.status).toBe(200);
      expect(plain.headers.get('content-type')).toBe('image/png');
      expect(plain.headers.get('content-disposition')).toMatch(/^inline;/);

      const access = new URL(res.body.url, app.url).searchParams.get('access')!;
      const elsewhere = await fetch(`${app.url}/api/resources/${other.id}/content?access=${encodeURIComponent(access)}`, { redirect: 'manual' });
      expect(elsewhere.status).toBe(401);
      const tampered = await fetch(
        `${app.url}${res.body.url.replace(/(.)(.{10})$/, (_m: string, c: string, rest: string) => `${c === 'A' ? 'B' : 'A'}${rest}`)}`,
        { redirect: 'manual' },
      );
      expect(tampered.status).toBe(401);

      // The token speaks for the member: once out of the private group, it opens nothing.
      expect((await app.http.post(`/api/groups/${group.id}/leave`, { token: friend.token })).status).toBe(204);
      expect((await fetch(`${app.url}${res.body.url}`, { redirect: 'manual' })).status).toBe(404);
    });

    it('when a public group has content, then any signed-in user may open it but only members may upload (403)', async () => {
      const pub = await createGroup(app, leader, { groupType: 'community', visibility: 'public' });
      const file = await uploaded(leader, randomBytes(500), 'text/plain', 'file', 'notes.txt', pub);
      expect((await download(file.id, stranger.token)).status).toBe(200);
      expect((await createUpload(stranger, { fileName: 'a.txt', contentType: 'text/plain', fileSize: 5 }, pub)).status).toBe(403);
    });

    it('when a leader-controlled group gets an upload from a plain member, then 403; its leader may', async () => {
      const led = await createGroup(app, leader, { groupType: 'leader_controlled' });
      await addMember(app, led, leader, member);
      expect((await createUpload(member, { fileName: 'a.pdf', contentType: 'application/pdf', fileSize: 5 }, led)).status).toBe(403);
      expect((await createUpload(leader, { fileName: 'a.pdf', contentType: 'application/pdf', fileSize: 5 }, led)).status).toBe(201);
    });

    it('when an uploadId was already used, then attaching it again is 409 CONFLICT (also when two attaches race), and a second PUT is refused', async () => {
      const bytes = randomBytes(4000);
      const ticket = (await createUpload(member, { fileName: 'd.pdf', contentType: 'application/pdf', fileSize: bytes.length })).body;
      expect((await send(ticket, bytes)).status).toBeLessThan(300);
      // Second PUT of the same URL: 409 from the API; 412 from S3 (If-None-Match: *).
      expect((await send(ticket, bytes)).status).toBe(driver === 'disk' ? 409 : 412);
      const both = await Promise.all([1, 2].map((n) => attach(member, { title: `d${n}`, resourceType: 'file', uploadId: ticket.uploadId })));
      expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(both.find((r) => r.status === 409)!.body.error.code).toBe('CONFLICT');
      expect((await attach(member, { title: 'again', resourceType: 'file', uploadId: ticket.uploadId })).status).toBe(409);
    });

    it('when an upload is interrupted halfway, then no resource can be made of it and no object is visible', async () => {
      const ticket = (await createUpload(member, { fileName: 'half.zip', contentType: 'application/zip', fileSize: 2 * MB })).body;
      const before = await countResources(group.id);
      await new Promise<void>((resolve) => {
        const req = http.request(ticket.url, { method: 'PUT', headers: { ...ticket.headers, 'content-length': String(2 * MB) } });
        req.on('error', () => resolve());
        req.write(randomBytes(MB), () =>
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 100),
        );
      });
      const key = (await uploadRow(ticket.uploadId)).storage_key;
      if (driver === 'disk') await eventually(async () => expect((await uploadRow(ticket.uploadId)).status).toBe('failed'));
      expect(await stored(key)).toBeNull();
      expect(partials()).toEqual([]);
      const res = await attach(member, { title: 'half', resourceType: 'file', uploadId: ticket.uploadId });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toBe('body.uploadId');
      expect(await countResources(group.id)).toBe(before);
    });

    it('when a stored resource is deleted, then its content is 404 and its url and size cannot be edited before that', async () => {
      const file = await uploaded(member, randomBytes(1000), 'text/csv', 'file', 'grades.csv');
      const edit = await app.http.patch(`/api/resources/${file.id}`, { token: member.token, body: { url: 'https://example.com/x', fileSize: 1 } });
      expect(edit.status).toBe(400);
      expect(edit.body.error.details.map((d: any) => d.field).sort()).toEqual(['body.fileSize', 'body.url']);
      expect((await app.http.patch(`/api/resources/${file.id}`, { token: member.token, body: { title: 'Grades' } })).body).toMatchObject({
        title: 'Grades',
        url: `/api/resources/${file.id}/content`,
      });
      expect((await app.http.delete(`/api/resources/${file.id}`, { token: member.token })).status).toBe(204);
      expect((await content(file.id, {}, member.token)).status).toBe(404);
    });
  });
}
