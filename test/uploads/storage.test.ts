/**
 * One suite, both stores: the embedded disk store and S3 (a local s3rver started here).
 * What the uploads feature relies on: all-or-nothing writes of exactly the declared size,
 * ranged reads, idempotent deletes, and (S3) presigned URLs that S3 itself enforces.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { DiskStorage, ObjectNotFoundError, ObjectSizeMismatchError, ObjectTooLargeError, S3Storage, type ObjectStorage } from '../../src/lib/storage';
import { startTestS3, useTestS3Credentials, type TestS3Server } from '../helpers/s3-server';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const collect = async (r: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};
/** A body that sends `bytes` in 64 KiB chunks. */
const bodyOf = (bytes: Buffer): Readable =>
  Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += 65536) yield bytes.subarray(i, i + 65536);
    })(),
  );

interface Driver {
  storage: ObjectStorage;
  /** Every object name visible in the store, partial files included (disk). */
  everything(): string[];
  stop(): Promise<void>;
}

const drivers: Array<[string, () => Promise<Driver>]> = [
  [
    'disk',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studysync-disk-'));
      const storage = new DiskStorage(dir);
      await storage.init();
      return {
        storage,
        everything: () => (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()),
        stop: async () => fs.rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    's3',
    async () => {
      useTestS3Credentials();
      const server: TestS3Server = await startTestS3();
      const storage = new S3Storage({ bucket: server.bucket, region: 'us-east-1', endpoint: server.endpoint, forcePathStyle: true });
      await storage.init();
      return {
        storage,
        everything: () => [],
        stop: async () => {
          await storage.close();
          await server.stop();
        },
      };
    },
  ],
];

describe.each(drivers)('the %s object store', (name, make) => {
  let d: Driver;
  let s: ObjectStorage;
  const key = (): string => `t/${name}/${randomBytes(6).toString('hex')}`;
  beforeAll(async () => {
    d = await make();
    s = d.storage;
  });
  afterAll(async () => d?.stop());

  it('when 5 MB are put, then stat gives the size and a read gives identical bytes (SHA-256)', async () => {
    const bytes = randomBytes(5 * 1024 * 1024);
    const k = key();
    await s.put(k, bodyOf(bytes), { size: bytes.length, contentType: 'application/pdf' });
    expect((await s.stat(k))?.size).toBe(bytes.length);
    expect(sha(await collect(await s.read(k)))).toBe(sha(bytes));
  });

  it('when a range is read, then exactly those bytes come back', async () => {
    const bytes = randomBytes(100_000);
    const k = key();
    await s.put(k, bodyOf(bytes), { size: bytes.length, contentType: 'video/mp4' });
    expect(sha(await collect(await s.read(k, { start: 1000, end: 70_999 })))).toBe(sha(bytes.subarray(1000, 71_000)));
  });

  it('when more bytes than declared arrive, then ObjectTooLargeError, nothing is stored, and the body is not destroyed', async () => {
    const k = key();
    const body = new PassThrough();
    const done = s.put(k, body, { size: 100_000, contentType: 'application/pdf' });
    body.write(randomBytes(150_000));
    await expect(done).rejects.toBeInstanceOf(ObjectTooLargeError);
    expect(body.destroyed).toBe(false);
    expect(await s.stat(k)).toBeNull();
    expect(d.everything().filter((f) => f.includes(k.split('/').pop()!) || f.startsWith('.partial'))).toEqual([]);
  });

  it('when fewer bytes than declared arrive, then ObjectSizeMismatchError and nothing is stored', async () => {
    const k = key();
    await expect(s.put(k, bodyOf(randomBytes(1000)), { size: 2000, contentType: 'text/plain' })).rejects.toBeInstanceOf(ObjectSizeMismatchError);
    expect(await s.stat(k)).toBeNull();
    expect(d.everything().filter((f) => f.startsWith('.partial'))).toEqual([]);
  });

  it('when the body breaks off halfway (a dropped connection), then the put fails and no object, partial or whole, is visible', async () => {
    const k = key();
    const body = new PassThrough();
    const done = s.put(k, body, { size: 1_000_000, contentType: 'application/zip' });
    body.write(randomBytes(500_000));
    setTimeout(() => body.destroy(new Error('connection reset')), 50);
    await expect(done).rejects.toThrow();
    expect(await s.stat(k)).toBeNull();
    expect(d.everything().filter((f) => f.startsWith('.partial'))).toEqual([]);
  });

  it('when an object is deleted (twice), then it is gone and reading it is ObjectNotFoundError', async () => {
    const k = key();
    await s.put(k, bodyOf(Buffer.from('hello')), { size: 5, contentType: 'text/plain' });
    await s.delete(k);
    await s.delete(k);
    expect(await s.stat(k)).toBeNull();
    await expect(s.read(k)).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('when a key tries to leave the store (.., absolute, odd characters), then it is refused', async () => {
    for (const bad of ['../x', '/etc/passwd', 'a/../../b', 'a//b', 'a b', '']) {
      await expect(s.stat(bad)).rejects.toThrow(/invalid storage key/);
    }
  });

  if (name === 's3') {
    it('when a presigned PUT is used as given, then the object is stored; another length, a second PUT or a tampered URL are refused by the store', async () => {
      const k = key();
      const bytes = randomBytes(20_000);
      const put = await s.presignPut!(k, { size: bytes.length, contentType: 'image/png', expiresInSeconds: 60 });
      expect(put.headers).toEqual({ 'Content-Type': 'image/png', 'If-None-Match': '*' });
      const bigger = await fetch(put.url, { method: 'PUT', headers: put.headers, body: Buffer.concat([bytes, Buffer.from('x')]) });
      expect(bigger.status).toBe(403);
      const otherType = await fetch(put.url, { method: 'PUT', headers: { ...put.headers, 'Content-Type': 'text/html' }, body: bytes });
      expect(otherType.status).toBe(403);
      const tampered = await fetch(put.url.replace(k, `${k}x`), { method: 'PUT', headers: put.headers, body: bytes });
      expect(tampered.status).toBe(403);
      expect(await s.stat(k)).toBeNull();
      const ok = await fetch(put.url, { method: 'PUT', headers: put.headers, body: bytes });
      expect(ok.status).toBe(200);
      const again = await fetch(put.url, { method: 'PUT', headers: put.headers, body: randomBytes(bytes.length) });
      expect(again.status).toBe(412);
      expect(sha(await collect(await s.read(k)))).toBe(sha(bytes));
    });

    it('when a presigned GET is fetched, then the bytes come with the signed type and disposition, and ranges work', async () => {
      const k = key();
      const bytes = randomBytes(10_000);
      await s.put(k, bodyOf(bytes), { size: bytes.length, contentType: 'application/pdf' });
      const url = await s.presignGet!(k, { expiresInSeconds: 60, contentType: 'application/pdf', contentDisposition: 'attachment; filename="a.pdf"' });
      const res = await fetch(url, { headers: { range: 'bytes=0-99' } });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="a.pdf"');
      expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(bytes.subarray(0, 100)));
    });
  }

  if (name === 'disk') {
    it('when partial files of a crashed write are older than the cut-off, then sweepPartial removes them and keeps fresh ones', async () => {
      const root = (s as DiskStorage).root;
      const old = path.join(root, '.partial', 'old.part');
      const fresh = path.join(root, '.partial', 'fresh.part');
      fs.writeFileSync(old, 'x');
      fs.writeFileSync(fresh, 'y');
      const past = new Date(Date.now() - 2 * 86_400_000);
      fs.utimesSync(old, past, past);
      expect(await s.sweepPartial(86_400_000)).toBe(1);
      expect(fs.existsSync(old)).toBe(false);
      expect(fs.existsSync(fresh)).toBe(true);
      fs.rmSync(fresh);
    });
  }
});
