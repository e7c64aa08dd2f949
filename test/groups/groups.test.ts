import { Client } from 'pg';
import { BURSTING_TEST_LIMITS, startTestApp, type TestApp } from '../helpers/test-app';
import { addMember, createGroup, type U } from './group-fixtures';

describe('groups and memberships over REST', () => {
  let app: TestApp;
  let leader: U;
  let other: U;
  let third: U;
  let db: Client;
  beforeAll(async () => {
    // Fixtures and races go through REST at machine speed.
    app = await startTestApp({ env: BURSTING_TEST_LIMITS });
    [leader, other, third] = await Promise.all([app.signedUpUser('lead'), app.signedUpUser('other'), app.signedUpUser('third')]);
    db = new Client({ connectionString: app.isolation.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await app.stop();
  });

  it('when a user creates a group, then they are its leader and the DTO has exactly the contract fields', async () => {
    const g = await createGroup(app, leader, { groupName: 'Algebra club', description: 'x', maxMembers: 5 });
    expect(Object.keys(g).sort()).toEqual(
      [
        'id',
        'creatorId',
        'groupName',
        'description',
        'image',
        'groupType',
        'visibility',
        'maxMembers',
        'isActive',
        'memberCount',
        'myRole',
        'inviteCode',
        'createdAt',
        'updatedAt',
      ].sort(),
    );
    expect(g).toMatchObject({ creatorId: leader.userId, groupName: 'Algebra club', myRole: 'leader', memberCount: 1, isActive: true, maxMembers: 5 });
    expect(g.inviteCode).toMatch(/^[A-Za-z0-9_-]{12,}$/);
    const seen = await app.http.get(`/api/groups/${g.id}`, { token: other.token });
    expect(seen.body).toMatchObject({ myRole: null, inviteCode: null, memberCount: 1 });
  });

  it('when defaults are omitted, then a group is leader_controlled and private', async () => {
    const res = await app.http.post('/api/groups', { token: leader.token, body: { groupName: 'defaults' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ groupType: 'leader_controlled', visibility: 'private', maxMembers: null });
  });

  it('when bad group fields are sent, then 400 names each field and nothing is written', async () => {
    const before = (await db.query('SELECT count(*)::int AS n FROM groups')).rows[0].n;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ groupName: '' }, 'body.groupName'],
      [{ groupName: 'x'.repeat(101) }, 'body.groupName'],
      [{ groupName: 5 }, 'body.groupName'],
      [{ groupName: 'ok', groupType: 'anarchy' }, 'body.groupType'],
      [{ groupName: 'ok', visibility: 'secret' }, 'body.visibility'],
      [{ groupName: 'ok', maxMembers: 0 }, 'body.maxMembers'],
      [{ groupName: 'ok', maxMembers: 2.5 }, 'body.maxMembers'],
      [{ groupName: 'ok', image: 'javascript:alert(1)' }, 'body.image'],
      [{ groupName: 'ok', extra: 1 }, 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await app.http.post('/api/groups', { token: leader.token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
    }
    expect((await db.query('SELECT count(*)::int AS n FROM groups')).rows[0].n).toBe(before);
  });

  it('when a leader updates a group with a bad value, then 400 and the group is unchanged', async () => {
    const g = await createGroup(app, leader, { groupName: 'keep' });
    const res = await app.http.patch(`/api/groups/${g.id}`, { token: leader.token, body: { groupName: 'new', maxMembers: -1 } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('body.maxMembers');
    expect((await app.http.get(`/api/groups/${g.id}`, { token: leader.token })).body.groupName).toBe('keep');
    const ok = await app.http.patch(`/api/groups/${g.id}`, { token: leader.token, body: { groupName: 'renamed' } });
    expect(ok.status).toBe(200);
    expect(ok.body.groupName).toBe('renamed');
  });

  it('when maxMembers is lowered below the member count, then 409', async () => {
    const g = await createGroup(app, leader);
    await addMember(app, g, leader, other);
    const res = await app.http.patch(`/api/groups/${g.id}`, { token: leader.token, body: { maxMembers: 1 } });
    expect(res.status).toBe(409);
  });

  it('when joining a public group twice, then it is idempotent and member counts follow', async () => {
    const g = await createGroup(app, leader);
    const a = await app.http.post(`/api/groups/${g.id}/join`, { token: other.token });
    const b = await app.http.post(`/api/groups/${g.id}/join`, { token: other.token });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(Object.keys(a.body).sort()).toEqual(['isConnected', 'joinedAt', 'lastSeen', 'role', 'userId', 'username']);
    expect(a.body).toMatchObject({ userId: other.userId, username: other.username, role: 'member' });
    expect((await app.http.get(`/api/groups/${g.id}`, { token: other.token })).body).toMatchObject({ memberCount: 2, myRole: 'member', inviteCode: null });
    const mine = await app.http.get('/api/groups', { token: other.token });
    expect(mine.body.map((x: any) => x.id)).toContain(g.id);
  });

  it('when the invite code is rotated, then the old one stops working and the new one joins a private group', async () => {
    const g = await createGroup(app, leader, { visibility: 'private' });
    const rotated = await app.http.post(`/api/groups/${g.id}/invite-code`, { token: leader.token });
    expect(rotated.status).toBe(200);
    expect(rotated.body.inviteCode).not.toBe(g.inviteCode);
    const old = await app.http.post('/api/groups/join', { token: other.token, body: { inviteCode: g.inviteCode } });
    expect(old.status).toBe(404);
    const ok = await app.http.post('/api/groups/join', { token: other.token, body: { inviteCode: rotated.body.inviteCode } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: g.id, myRole: 'member', inviteCode: null });
  });

  it('when a private group is joined through /join, then 404 for a stranger', async () => {
    const g = await createGroup(app, leader, { visibility: 'private' });
    expect((await app.http.post(`/api/groups/${g.id}/join`, { token: third.token })).status).toBe(404);
  });

  it('when discovering, then only public active groups match q, paged with a cursor', async () => {
    const tag = `zq${Date.now().toString(36)}`;
    const made = [];
    for (let i = 0; i < 3; i += 1) made.push(await createGroup(app, leader, { groupName: `${tag} ${i}` }));
    await createGroup(app, leader, { groupName: `${tag} hidden`, visibility: 'private' });
    const gone = await createGroup(app, leader, { groupName: `${tag} gone` });
    expect((await app.http.delete(`/api/groups/${gone.id}`, { token: leader.token })).status).toBe(204);
    const p1 = await app.http.get(`/api/groups/discover?q=${tag}&limit=2`, { token: other.token });
    expect(p1.status).toBe(200);
    expect(p1.body.items.map((x: any) => x.id)).toEqual([made[0].id, made[1].id]);
    expect(p1.body.items[0]).toMatchObject({ memberCount: 1, myRole: null, inviteCode: null });
    const p2 = await app.http.get(`/api/groups/discover?q=${tag}&limit=2&cursor=${p1.body.nextCursor}`, { token: other.token });
    expect(p2.body).toEqual({ items: [expect.objectContaining({ id: made[2].id })], nextCursor: null });
    expect((await app.http.get('/api/groups/discover?q=%25', { token: other.token })).status).toBe(200);
    expect((await app.http.get('/api/groups/discover?cursor=garbage', { token: other.token })).body.error.details[0].field).toBe('query.cursor');
    expect((await app.http.get('/api/groups/discover?limit=1000', { token: other.token })).body.error.details[0].field).toBe('query.limit');
  });

  it("when discover is called with API.md's template `?q=&limit=&cursor=` (empty values), then they count as omitted", async () => {
    const res = await app.http.get('/api/groups/discover?q=&limit=&cursor=', { token: other.token });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['items', 'nextCursor']);
    expect(res.body.items.length).toBeLessThanOrEqual(20);
    expect((await app.http.get('/api/groups/discover?limit=0', { token: other.token })).status).toBe(400);
  });

  it('when a group is deleted, then it reads as 404 and disappears from my groups', async () => {
    const g = await createGroup(app, leader);
    await addMember(app, g, leader, other);
    expect((await app.http.delete(`/api/groups/${g.id}`, { token: other.token })).status).toBe(403);
    expect((await app.http.delete(`/api/groups/${g.id}`, { token: leader.token })).status).toBe(204);
    expect((await app.http.get(`/api/groups/${g.id}`, { token: leader.token })).status).toBe(404);
    expect((await app.http.get('/api/groups', { token: other.token })).body.map((x: any) => x.id)).not.toContain(g.id);
    expect((await db.query('SELECT is_active FROM groups WHERE id = $1', [g.id])).rows[0].is_active).toBe(false);
  });

  describe('the last-leader rule', () => {
    it('when the only leader leaves while members remain, then 409; after promoting another, they may', async () => {
      const g = await createGroup(app, leader);
      await addMember(app, g, leader, other);
      const res = await app.http.post(`/api/groups/${g.id}/leave`, { token: leader.token });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CONFLICT');
      expect((await app.http.patch(`/api/groups/${g.id}/members/${other.userId}`, { token: leader.token, body: { role: 'leader' } })).status).toBe(200);
      expect((await app.http.post(`/api/groups/${g.id}/leave`, { token: leader.token })).status).toBe(204);
      expect((await app.http.get(`/api/groups/${g.id}/members`, { token: other.token })).body.map((m: any) => m.userId)).toEqual([other.userId]);
    });

    it('when the only leader demotes or removes themself, then 409', async () => {
      const g = await createGroup(app, leader);
      await addMember(app, g, leader, other);
      expect((await app.http.patch(`/api/groups/${g.id}/members/${leader.userId}`, { token: leader.token, body: { role: 'member' } })).status).toBe(409);
      expect((await app.http.delete(`/api/groups/${g.id}/members/${leader.userId}`, { token: leader.token })).status).toBe(409);
      expect((await app.http.get(`/api/groups/${g.id}/members`, { token: leader.token })).body[0]).toMatchObject({ userId: leader.userId, role: 'leader' });
    });

    it('when the last member leaves, then the group is deactivated', async () => {
      const g = await createGroup(app, leader);
      expect((await app.http.post(`/api/groups/${g.id}/leave`, { token: leader.token })).status).toBe(204);
      expect((await db.query('SELECT is_active FROM groups WHERE id = $1', [g.id])).rows[0].is_active).toBe(false);
      expect((await app.http.get(`/api/groups/${g.id}`, { token: leader.token })).status).toBe(404);
    });

    it('when two leaders leave at the same time, then exactly one succeeds', async () => {
      const g = await createGroup(app, leader);
      await addMember(app, g, leader, other, 'leader');
      await addMember(app, g, leader, third);
      const results = await Promise.all([leader, other].map((u) => app.http.post(`/api/groups/${g.id}/leave`, { token: u.token })));
      expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
      const roles = (await db.query("SELECT count(*)::int AS n FROM groupings WHERE group_id = $1 AND role = 'leader'", [g.id])).rows[0].n;
      expect(roles).toBe(1);
    });
  });

  it('when an admin removes a plain member, then it works; removing a leader or admin is 403', async () => {
    const g = await createGroup(app, leader);
    const [adm, adm2, plain] = await Promise.all([app.signedUpUser('adm'), app.signedUpUser('adm2'), app.signedUpUser('plain')]);
    await addMember(app, g, leader, adm, 'admin');
    await addMember(app, g, leader, adm2, 'admin');
    await addMember(app, g, leader, plain);
    expect((await app.http.delete(`/api/groups/${g.id}/members/${leader.userId}`, { token: adm.token })).status).toBe(403);
    expect((await app.http.delete(`/api/groups/${g.id}/members/${adm2.userId}`, { token: adm.token })).status).toBe(403);
    expect((await app.http.delete(`/api/groups/${g.id}/members/${plain.userId}`, { token: adm.token })).status).toBe(204);
    expect((await app.http.get(`/api/groups/${g.id}/members`, { token: plain.token })).status).toBe(403);
    const notes = await app.http.get('/api/notifications', { token: plain.token });
    expect(notes.body.items.map((n: any) => n.notificationType)).toContain('removed_from_group');
    expect((await app.http.delete(`/api/groups/${g.id}/members/${plain.userId}`, { token: leader.token })).status).toBe(404);
  });

  it('when a role change body is bad, then 400 names the field and the role is unchanged', async () => {
    const g = await createGroup(app, leader);
    await addMember(app, g, leader, other);
    const res = await app.http.patch(`/api/groups/${g.id}/members/${other.userId}`, { token: leader.token, body: { role: 'king' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('body.role');
    expect((await db.query('SELECT role FROM groupings WHERE group_id = $1 AND user_id = $2', [g.id, other.userId])).rows[0].role).toBe('member');
    const ok = await app.http.patch(`/api/groups/${g.id}/members/${other.userId}`, { token: leader.token, body: { role: 'admin' } });
    expect(ok.body).toMatchObject({ userId: other.userId, role: 'admin' });
    const notes = await app.http.get('/api/notifications', { token: other.token });
    expect(notes.body.items.map((n: any) => n.notificationType)).toContain('role_changed');
    expect((await app.http.get(`/api/groups/${g.id}`, { token: other.token })).body.inviteCode).toEqual(expect.any(String));
  });
});
