import { Client } from 'pg';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { addMember, createGroup, type U } from '../groups/group-fixtures';

describe('resources and progress over REST', () => {
  let app: TestApp;
  let leader: U;
  let member: U;
  let adminU: U;
  let db: Client;
  let community: any;
  let controlled: any;
  beforeAll(async () => {
    app = await startTestApp();
    [leader, member, adminU] = await Promise.all([app.signedUpUser('lead'), app.signedUpUser('mem'), app.signedUpUser('adm')]);
    community = await createGroup(app, leader, { groupType: 'community' });
    controlled = await createGroup(app, leader, { groupType: 'leader_controlled' });
    for (const g of [community, controlled]) {
      await addMember(app, g, leader, member);
      await addMember(app, g, leader, adminU, 'admin');
    }
    db = new Client({ connectionString: app.isolation.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await app.stop();
  });

  const add = (g: any, u: U, body: Record<string, unknown>) => app.http.post(`/api/groups/${g.id}/resources`, { token: u.token, body });
  const link = (title: string, extra: Record<string, unknown> = {}) => ({ title, resourceType: 'link', url: 'https://example.com/x', ...extra });
  const folder = (title: string, extra: Record<string, unknown> = {}) => ({ title, resourceType: 'folder', ...extra });
  const liveCount = async (groupId: number) =>
    (await db.query('SELECT count(*)::int AS n FROM resources WHERE group_id = $1 AND NOT is_deleted', [groupId])).rows[0].n;

  it('when a member adds a link to a community group, then 201 with the contract shape and a not_started myProgress', async () => {
    const res = await add(community, member, link('Notes', { description: 'd', fileSize: 12 }));
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(
      [
        'id',
        'groupId',
        'title',
        'url',
        'resourceType',
        'description',
        'parentFolderId',
        'fileSize',
        'contentType',
        'uploadedBy',
        'createdAt',
        'updatedAt',
        'myProgress',
      ].sort(),
    );
    expect(res.body).toMatchObject({
      groupId: community.id,
      uploadedBy: member.userId,
      fileSize: 12,
      parentFolderId: null,
      myProgress: { status: 'not_started', progressPercentage: 0 },
    });
  });

  it('when a plain member or admin adds to a leader_controlled group, then 403; a leader may', async () => {
    expect((await add(controlled, member, link('x'))).status).toBe(403);
    expect((await add(controlled, adminU, link('x'))).status).toBe(403);
    expect((await add(controlled, leader, link('x'))).status).toBe(201);
  });

  it('when resource fields are bad, then 400 names each field and nothing is written', async () => {
    const before = await liveCount(community.id);
    const other = await createGroup(app, leader);
    const foreignFolder = (await add(other, leader, folder('foreign'))).body.id;
    const aLink = (await add(community, leader, link('not a folder'))).body.id;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ resourceType: 'link', url: 'https://a.b' }, 'body.title'],
      [link(''), 'body.title'],
      [link('t', { resourceType: 'pdf' }), 'body.resourceType'],
      [{ title: 't', resourceType: 'link' }, 'body.url'],
      [link('t', { url: 'ftp://example.com/x' }), 'body.url'],
      [link('t', { url: 'javascript:alert(1)' }), 'body.url'],
      [folder('t', { url: 'https://example.com' }), 'body.url'],
      [link('t', { fileSize: -1 }), 'body.fileSize'],
      [link('t', { parentFolderId: 'abc' }), 'body.parentFolderId'],
      [link('t', { parentFolderId: foreignFolder }), 'body.parentFolderId'],
      [link('t', { parentFolderId: aLink }), 'body.parentFolderId'],
    ];
    const after = await liveCount(community.id);
    for (const [body, field] of cases) {
      const res = await add(community, member, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
    }
    expect(await liveCount(community.id)).toBe(after);
    expect(after).toBe(before + 1);
  });

  it('when listing, then the root is the default and parentFolderId lists a folder', async () => {
    const g = await createGroup(app, leader);
    const f = (await add(g, leader, folder('Week 1'))).body;
    const inside = (await add(g, leader, link('inside', { parentFolderId: f.id }))).body;
    const root = await app.http.get(`/api/groups/${g.id}/resources`, { token: leader.token });
    expect(root.body.map((r: any) => r.id)).toEqual([f.id]);
    expect(root.body[0].myProgress).toBeNull();
    const sub = await app.http.get(`/api/groups/${g.id}/resources?parentFolderId=${f.id}`, { token: leader.token });
    expect(sub.body.map((r: any) => r.id)).toEqual([inside.id]);
    expect((await app.http.get(`/api/groups/${g.id}/resources?parentFolderId=${inside.id}`, { token: leader.token })).status).toBe(404);
    expect((await app.http.get(`/api/groups/${g.id}/resources?parentFolderId=x`, { token: leader.token })).status).toBe(400);
  });

  it('when a folder is deleted, then its whole subtree is soft-deleted', async () => {
    const g = await createGroup(app, leader);
    const top = (await add(g, leader, folder('top'))).body;
    const mid = (await add(g, leader, folder('mid', { parentFolderId: top.id }))).body;
    const leaf = (await add(g, leader, link('leaf', { parentFolderId: mid.id }))).body;
    const keep = (await add(g, leader, link('keep'))).body;
    expect((await app.http.delete(`/api/resources/${top.id}`, { token: leader.token })).status).toBe(204);
    const rows = (await db.query('SELECT id, is_deleted FROM resources WHERE group_id = $1 ORDER BY id', [g.id])).rows;
    expect(rows).toEqual([
      { id: top.id, is_deleted: true },
      { id: mid.id, is_deleted: true },
      { id: leaf.id, is_deleted: true },
      { id: keep.id, is_deleted: false },
    ]);
    expect((await app.http.patch(`/api/resources/${leaf.id}`, { token: leader.token, body: { title: 'x' } })).status).toBe(404);
  });

  it('when a folder is moved into itself or its own descendant, then 409 and nothing moves', async () => {
    const g = await createGroup(app, leader);
    const a = (await add(g, leader, folder('a'))).body;
    const b = (await add(g, leader, folder('b', { parentFolderId: a.id }))).body;
    const c = (await add(g, leader, folder('c', { parentFolderId: b.id }))).body;
    expect((await app.http.patch(`/api/resources/${a.id}`, { token: leader.token, body: { parentFolderId: c.id } })).status).toBe(409);
    expect((await app.http.patch(`/api/resources/${a.id}`, { token: leader.token, body: { parentFolderId: a.id } })).status).toBe(409);
    expect((await db.query('SELECT parent_folder_id FROM resources WHERE id = $1', [a.id])).rows[0].parent_folder_id).toBeNull();
    const moved = await app.http.patch(`/api/resources/${c.id}`, { token: leader.token, body: { parentFolderId: null } });
    expect(moved.status).toBe(200);
    expect(moved.body.parentFolderId).toBeNull();
  });

  it('when community resources are edited, then the uploader and admins may, other members may not', async () => {
    const r = (await add(community, leader, link('by leader'))).body;
    expect((await app.http.patch(`/api/resources/${r.id}`, { token: member.token, body: { title: 'hijack' } })).status).toBe(403);
    expect((await app.http.patch(`/api/resources/${r.id}`, { token: adminU.token, body: { title: 'ok' } })).status).toBe(200);
    const mine = (await add(community, member, link('mine'))).body;
    expect((await app.http.patch(`/api/resources/${mine.id}`, { token: member.token, body: { title: 'renamed' } })).body.title).toBe('renamed');
    const bad = await app.http.patch(`/api/resources/${mine.id}`, { token: member.token, body: { url: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('body.url');
    expect((await db.query('SELECT url, title FROM resources WHERE id = $1', [mine.id])).rows[0]).toEqual({ url: 'https://example.com/x', title: 'renamed' });
    expect((await app.http.patch(`/api/resources/${mine.id}`, { token: member.token, body: { resourceType: 'video' } })).status).toBe(400);
    expect((await app.http.delete(`/api/resources/${mine.id}`, { token: member.token })).status).toBe(204);
  });

  describe('progress', () => {
    let res: any;
    beforeAll(async () => {
      res = (await add(community, leader, link('progress target'))).body;
    });

    it('when nothing was recorded, then GET answers the not_started default', async () => {
      const mine = await app.http.get(`/api/resources/${res.id}/progress`, { token: member.token });
      expect(mine.body).toEqual({
        resourceId: res.id,
        userId: member.userId,
        status: 'not_started',
        progressPercentage: 0,
        notes: null,
        startedAt: null,
        completedAt: null,
        lastUpdated: null,
      });
    });

    it('when progress is put, then it follows the rules and shows in the listing and in progress/all', async () => {
      const a = await app.http.put(`/api/resources/${res.id}/progress`, { token: member.token, body: { progressPercentage: 40, notes: 'ch. 2' } });
      expect(a.status).toBe(200);
      expect(a.body).toMatchObject({ status: 'in_progress', progressPercentage: 40, notes: 'ch. 2', startedAt: expect.any(String), completedAt: null });
      const b = await app.http.put(`/api/resources/${res.id}/progress`, { token: member.token, body: { status: 'completed' } });
      expect(b.body).toMatchObject({
        status: 'completed',
        progressPercentage: 100,
        startedAt: a.body.startedAt,
        completedAt: expect.any(String),
        notes: 'ch. 2',
      });
      const list = await app.http.get(`/api/groups/${community.id}/resources`, { token: member.token });
      expect(list.body.find((r: any) => r.id === res.id).myProgress).toMatchObject({ status: 'completed', progressPercentage: 100 });
      const all = await app.http.get(`/api/resources/${res.id}/progress/all`, { token: leader.token });
      expect(all.status).toBe(200);
      expect(all.body).toHaveLength(3);
      expect(all.body.find((p: any) => p.userId === member.userId)).toMatchObject({ status: 'completed' });
      expect(all.body.find((p: any) => p.userId === leader.userId)).toMatchObject({ status: 'not_started', progressPercentage: 0 });
    });

    it('when contradictory or bad progress is put, then 400 names the field and nothing changes', async () => {
      const before = (await app.http.get(`/api/resources/${res.id}/progress`, { token: adminU.token })).body;
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ status: 'completed', progressPercentage: 50 }, 'body.progressPercentage'],
        [{ status: 'in_progress', progressPercentage: 100 }, 'body.status'],
        [{ progressPercentage: 101 }, 'body.progressPercentage'],
        [{ progressPercentage: -1 }, 'body.progressPercentage'],
        [{ progressPercentage: 12.5 }, 'body.progressPercentage'],
        [{ status: 'done' }, 'body.status'],
        [{}, 'body'],
      ];
      for (const [body, field] of cases) {
        const r = await app.http.put(`/api/resources/${res.id}/progress`, { token: adminU.token, body });
        expect(r.status).toBe(400);
        expect(r.body.error.details.map((d: any) => d.field)).toContain(field);
      }
      expect((await app.http.get(`/api/resources/${res.id}/progress`, { token: adminU.token })).body).toEqual(before);
      expect((await db.query('SELECT count(*)::int AS n FROM resource_progress WHERE user_id = $1', [adminU.userId])).rows[0].n).toBe(0);
    });

    it('when progress is put on a folder, then 409', async () => {
      const f = (await add(community, leader, folder('no progress'))).body;
      const r = await app.http.put(`/api/resources/${f.id}/progress`, { token: member.token, body: { progressPercentage: 10 } });
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('CONFLICT');
    });
  });
});
