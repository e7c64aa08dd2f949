/**
 * The maintenance sweep of uploads, run by a real worker through BullMQ, on rows
 * backdated in PostgreSQL (no fixed sleeps, no fake clock).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import type { DiskStorage } from '../../src/lib/storage';
import { createGroup, type U } from '../groups/group-fixtures';
import { eventually } from '../helpers/eventually';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

describe('the upload sweep', () => {
  let app: TestApp;
  let db: Client;
  let owner: U;
  let group: any;
  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    owner = await app.signedUpUser('owner');
    group = await createGroup(app, owner);
    db = new Client({ connectionString: app.isolation.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await app?.stop();
  });

  const storage = () => app.node.ctx.storage;
  async function upload(bytes: Buffer): Promise<string> {
    const t = await app.http.post(`/api/groups/${group.id}/uploads`, {
      token: owner.token,
      body: { fileName: 'a.pdf', contentType: 'application/pdf', fileSize: bytes.length },
    });
    expect((await fetch(t.body.url, { method: 'PUT', headers: t.body.headers, body: bytes })).status).toBe(204);
    return t.body.uploadId;
  }
  const attach = async (uploadId: string): Promise<number> => {
    const res = await app.http.post(`/api/groups/${group.id}/resources`, { token: owner.token, body: { title: 'r', resourceType: 'file', uploadId } });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const keyOfUpload = async (id: string): Promise<string> => (await db.query('SELECT storage_key FROM uploads WHERE id = $1', [id])).rows[0].storage_key;

  it('when the schedules are read, then the worker registered the upload sweep', async () => {
    const schedulers = await app.node.ctx.queues.maintenance.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toContain('sweep-uploads');
  });

  it('when the sweep runs, then uploads unattached for 24 h and bytes of resources deleted 30 days ago are removed, and nothing younger or live', async () => {
    const bytes = randomBytes(1000);
    const stale = await upload(bytes);
    const fresh = await upload(bytes);
    const attachedOld = await upload(bytes);
    const liveId = await attach(attachedOld);
    const oldDeletedId = await attach(await upload(bytes));
    const newDeletedId = await attach(await upload(bytes));
    for (const id of [oldDeletedId, newDeletedId]) expect((await app.http.delete(`/api/resources/${id}`, { token: owner.token })).status).toBe(204);
    const staleKey = await keyOfUpload(stale);
    const keyOf = async (id: number): Promise<string> => (await db.query('SELECT storage_key FROM resources WHERE id = $1', [id])).rows[0].storage_key;
    const [liveKey, oldDeletedKey, newDeletedKey, freshKey] = [
      await keyOf(liveId),
      await keyOf(oldDeletedId),
      await keyOf(newDeletedId),
      await keyOfUpload(fresh),
    ];

    await db.query(`UPDATE uploads SET created_at = now() - interval '25 hours', expires_at = now() - interval '24 hours' WHERE id IN ($1, $2)`, [
      stale,
      attachedOld,
    ]);
    await db.query(`UPDATE resources SET deleted_at = now() - interval '31 days' WHERE id = $1`, [oldDeletedId]);
    await db.query(`UPDATE resources SET deleted_at = now() - interval '29 days' WHERE id = $1`, [newDeletedId]);
    const partialDir = path.join((storage() as DiskStorage).root, '.partial');
    const oldPartial = path.join(partialDir, 'crashed.part');
    fs.writeFileSync(oldPartial, 'half');
    const past = new Date(Date.now() - 25 * 3600_000);
    fs.utimesSync(oldPartial, past, past);

    const job = await app.node.ctx.queues.maintenance.add('sweep-uploads', {});
    await eventually(async () => expect(await job.getState()).toBe('completed'), { timeout: 20_000 });
    expect((await app.node.ctx.queues.maintenance.getJob(job.id!))?.returnvalue).toEqual({ uploads: 1, contents: 1, partials: 1 });

    expect((await db.query('SELECT id FROM uploads WHERE id = $1', [stale])).rowCount).toBe(0);
    expect(await storage().stat(staleKey)).toBeNull();
    expect(await storage().stat(freshKey)).not.toBeNull();
    expect(await storage().stat(liveKey)).not.toBeNull();
    expect((await db.query('SELECT status FROM uploads WHERE id = $1', [attachedOld])).rows[0].status).toBe('attached');
    expect(await storage().stat(oldDeletedKey)).toBeNull();
    expect((await db.query('SELECT content_purged_at FROM resources WHERE id = $1', [oldDeletedId])).rows[0].content_purged_at).not.toBeNull();
    expect(await storage().stat(newDeletedKey)).not.toBeNull();
    expect(fs.existsSync(oldPartial)).toBe(false);
    // The live resource still serves its bytes.
    const res = await fetch(`${app.url}/api/resources/${liveId}/content`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);

    // A second run finds nothing left to do.
    const again = await app.node.ctx.queues.maintenance.add('sweep-uploads', {});
    await eventually(async () => expect(await again.getState()).toBe('completed'), { timeout: 20_000 });
    expect((await app.node.ctx.queues.maintenance.getJob(again.id!))?.returnvalue).toEqual({ uploads: 0, contents: 0, partials: 0 });
  });
});
