import { Client } from 'pg';
import { BURSTING_TEST_LIMITS, startTestApp, type TestApp } from '../helpers/test-app';
import { addMember, createGroup, users, type U } from './group-fixtures';

describe('invitations and capacity', () => {
  let app: TestApp;
  let leader: U;
  let db: Client;
  beforeAll(async () => {
    // One leader builds every fixture through REST at machine speed.
    app = await startTestApp({ env: BURSTING_TEST_LIMITS });
    leader = await app.signedUpUser('lead');
    db = new Client({ connectionString: app.isolation.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await app.stop();
  });

  const invite = (g: any, by: U, invitedUserId: string, extra: Record<string, unknown> = {}) =>
    app.http.post(`/api/groups/${g.id}/invitations`, { token: by.token, body: { invitedUserId, ...extra } });
  const memberCount = async (groupId: number): Promise<number> =>
    (await db.query('SELECT count(*)::int AS n FROM groupings WHERE group_id = $1', [groupId])).rows[0].n;

  it('when 30 users join a public group of max 10 at once, then exactly 10 are members and the rest get 409', async () => {
    const g = await createGroup(app, leader, { maxMembers: 10 });
    const joiners = await users(app, 30, 'j');
    const results = await Promise.all(joiners.map((u) => app.http.post(`/api/groups/${g.id}/join`, { token: u.token })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(9);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'CONFLICT')).toBe(true);
    expect(results.filter((r) => r.status === 409)).toHaveLength(21);
    expect(await memberCount(g.id)).toBe(10);
  });

  it('when 30 invited users accept at once into a group of max 10, then exactly 10 are members', async () => {
    const g = await createGroup(app, leader, { maxMembers: 10, visibility: 'private' });
    const invitees = await users(app, 30, 'i');
    const ids: number[] = [];
    for (const u of invitees) {
      const res = await invite(g, leader, u.userId);
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const results = await Promise.all(invitees.map((u, i) => app.http.post(`/api/invitations/${ids[i]}/accept`, { token: u.token })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(9);
    expect(results.filter((r) => r.status === 409)).toHaveLength(21);
    expect(await memberCount(g.id)).toBe(10);
    const accepted = (await db.query("SELECT count(*)::int AS n FROM group_invitations WHERE group_id = $1 AND status = 'accepted'", [g.id])).rows[0].n;
    expect(accepted).toBe(9);
  });

  it('when an invitation is created and accepted, then it has the contract shape, the membership records the inviter and both get notified', async () => {
    const g = await createGroup(app, leader, { visibility: 'private', groupName: 'Private physics' });
    const guest = await app.signedUpUser('guest');
    const created = await invite(g, leader, guest.userId, { invitationMessage: 'come study' });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(
      ['id', 'groupId', 'groupName', 'invitedUserId', 'invitedBy', 'status', 'invitationMessage', 'expiresAt', 'createdAt', 'respondedAt'].sort(),
    );
    expect(created.body).toMatchObject({
      groupId: g.id,
      groupName: 'Private physics',
      invitedUserId: guest.userId,
      invitedBy: leader.userId,
      status: 'pending',
      invitationMessage: 'come study',
      respondedAt: null,
    });
    const hours = (Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt)) / 3_600_000;
    expect(Math.round(hours)).toBe(168);
    const mine = await app.http.get('/api/invitations', { token: guest.token });
    expect(mine.body.map((i: any) => i.id)).toEqual([created.body.id]);
    expect((await app.http.get('/api/notifications', { token: guest.token })).body.items[0]).toMatchObject({
      notificationType: 'invitation_received',
      data: { groupId: g.id, invitationId: created.body.id },
    });

    const accepted = await app.http.post(`/api/invitations/${created.body.id}/accept`, { token: guest.token });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ userId: guest.userId, role: 'member' });
    const row = (await db.query('SELECT invitation_status, invited_by, invited_at FROM groupings WHERE group_id = $1 AND user_id = $2', [g.id, guest.userId]))
      .rows[0];
    expect(row).toMatchObject({ invitation_status: 'accepted', invited_by: leader.userId });
    expect(row.invited_at).not.toBeNull();
    const leaderNotes = (await app.http.get('/api/notifications', { token: leader.token })).body.items.map((n: any) => n.notificationType);
    expect(leaderNotes).toEqual(expect.arrayContaining(['invitation_accepted', 'member_joined']));
    const again = await app.http.post(`/api/invitations/${created.body.id}/accept`, { token: guest.token });
    expect(again.status).toBe(409);
    expect((await app.http.get('/api/invitations', { token: guest.token })).body).toEqual([]);
  });

  it('when an invitation has expired, then accepting answers 410 GONE and it is not listed', async () => {
    const g = await createGroup(app, leader, { visibility: 'private' });
    const guest = await app.signedUpUser('late');
    const created = await invite(g, leader, guest.userId, { expiresInHours: 1 });
    await db.query("UPDATE group_invitations SET expires_at = now() - interval '1 minute' WHERE id = $1", [created.body.id]);
    expect((await app.http.get('/api/invitations', { token: guest.token })).body).toEqual([]);
    const res = await app.http.post(`/api/invitations/${created.body.id}/accept`, { token: guest.token });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('GONE');
    expect(await memberCount(g.id)).toBe(1);
    // An expired invitation does not block a new one.
    expect((await invite(g, leader, guest.userId)).status).toBe(201);
  });

  it('when declining, then the invitation reads declined and cannot be accepted afterwards', async () => {
    const g = await createGroup(app, leader, { visibility: 'private' });
    const guest = await app.signedUpUser('no');
    const created = await invite(g, leader, guest.userId);
    const declined = await app.http.post(`/api/invitations/${created.body.id}/decline`, { token: guest.token });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: 'declined', respondedAt: expect.any(String) });
    expect((await app.http.post(`/api/invitations/${created.body.id}/accept`, { token: guest.token })).status).toBe(409);
  });

  it("when someone else's invitation is accepted or declined, then 404", async () => {
    const g = await createGroup(app, leader, { visibility: 'private' });
    const [guest, thief] = await Promise.all([app.signedUpUser('g'), app.signedUpUser('thief')]);
    const created = await invite(g, leader, guest.userId);
    expect((await app.http.post(`/api/invitations/${created.body.id}/accept`, { token: thief.token })).status).toBe(404);
    expect((await app.http.post(`/api/invitations/${created.body.id}/decline`, { token: thief.token })).status).toBe(404);
    expect((await app.http.post(`/api/invitations/999999/accept`, { token: guest.token })).status).toBe(404);
  });

  it('when inviting an unknown user, a member, or someone already invited, then 404, 409, 409', async () => {
    const g = await createGroup(app, leader);
    const [member, guest] = await Promise.all([app.signedUpUser('m'), app.signedUpUser('g')]);
    await addMember(app, g, leader, member);
    expect((await invite(g, leader, 'user_nobody_here')).status).toBe(404);
    expect((await invite(g, leader, member.userId)).status).toBe(409);
    expect((await invite(g, leader, guest.userId)).status).toBe(201);
    expect((await invite(g, leader, guest.userId)).status).toBe(409);
  });

  it('when a plain member invites, then 403 in a leader_controlled group and 201 in a community group', async () => {
    const lc = await createGroup(app, leader, { groupType: 'leader_controlled' });
    const cm = await createGroup(app, leader, { groupType: 'community' });
    const [member, guest] = await Promise.all([app.signedUpUser('m'), app.signedUpUser('g')]);
    await addMember(app, lc, leader, member);
    await addMember(app, cm, leader, member);
    expect((await invite(lc, member, guest.userId)).status).toBe(403);
    expect((await invite(cm, member, guest.userId)).status).toBe(201);
  });

  it('when invitation fields are bad, then 400 names each and nothing is written', async () => {
    const g = await createGroup(app, leader);
    const guest = await app.signedUpUser('g');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, 'body.invitedUserId'],
      [{ invitedUserId: 'bad id!' }, 'body.invitedUserId'],
      [{ invitedUserId: guest.userId, expiresInHours: 0 }, 'body.expiresInHours'],
      [{ invitedUserId: guest.userId, expiresInHours: 10_000 }, 'body.expiresInHours'],
      [{ invitedUserId: guest.userId, invitationMessage: 'x'.repeat(501) }, 'body.invitationMessage'],
    ];
    for (const [body, field] of cases) {
      const res = await app.http.post(`/api/groups/${g.id}/invitations`, { token: leader.token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
    }
    expect((await db.query('SELECT count(*)::int AS n FROM group_invitations WHERE group_id = $1', [g.id])).rows[0].n).toBe(0);
  });
});
