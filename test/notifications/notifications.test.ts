import { startTestApp, type TestApp } from '../helpers/test-app';
import { createGroup, type U } from '../groups/group-fixtures';

describe('notifications over REST', () => {
  let app: TestApp;
  let leader: U;
  beforeAll(async () => {
    app = await startTestApp();
    leader = await app.signedUpUser('lead');
    const g = await createGroup(app, leader);
    // Five joins → five member_joined notifications for the leader.
    for (let i = 0; i < 5; i += 1) {
      const u = await app.signedUpUser(`j${i}`);
      await app.http.post(`/api/groups/${g.id}/join`, { token: u.token });
    }
  });
  afterAll(async () => {
    await app.stop();
  });

  it('when listing with a limit, then pages are newest first and the cursor walks to the end', async () => {
    const p1 = await app.http.get('/api/notifications?limit=3', { token: leader.token });
    expect(p1.body.items).toHaveLength(3);
    expect(p1.body.items[0]).toMatchObject({ notificationType: 'member_joined', isRead: false, data: { groupId: expect.any(Number) } });
    const ids1 = p1.body.items.map((n: any) => n.id);
    expect([...ids1].sort((a, b) => b - a)).toEqual(ids1);
    const p2 = await app.http.get(`/api/notifications?limit=3&cursor=${p1.body.nextCursor}`, { token: leader.token });
    expect(p2.body.items).toHaveLength(2);
    expect(p2.body.nextCursor).toBeNull();
    expect(Math.max(...p2.body.items.map((n: any) => n.id))).toBeLessThan(Math.min(...ids1));
  });

  it('when one is marked read, then the unread count and the unread filter follow; read-all clears the rest', async () => {
    expect((await app.http.get('/api/notifications/unread-count', { token: leader.token })).body).toEqual({ count: 5 });
    const first = (await app.http.get('/api/notifications', { token: leader.token })).body.items[0];
    expect((await app.http.post(`/api/notifications/${first.id}/read`, { token: leader.token })).status).toBe(204);
    expect((await app.http.get('/api/notifications/unread-count', { token: leader.token })).body).toEqual({ count: 4 });
    const unread = await app.http.get('/api/notifications?unread=true', { token: leader.token });
    expect(unread.body.items.map((n: any) => n.id)).not.toContain(first.id);
    expect(unread.body.items).toHaveLength(4);
    expect((await app.http.post('/api/notifications/read-all', { token: leader.token })).status).toBe(204);
    expect((await app.http.get('/api/notifications/unread-count', { token: leader.token })).body).toEqual({ count: 0 });
  });

  it('when the query is bad, then 400 names the field', async () => {
    for (const [qs, field] of [
      ['limit=0', 'query.limit'],
      ['limit=abc', 'query.limit'],
      ['unread=yes', 'query.unread'],
      ['cursor=%%%', 'query.cursor'],
    ]) {
      const res = await app.http.get(`/api/notifications?${qs}`, { token: leader.token });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
    }
    expect((await app.http.post('/api/notifications/abc/read', { token: leader.token })).status).toBe(400);
    expect((await app.http.post('/api/notifications/999999/read', { token: leader.token })).status).toBe(404);
  });
});
