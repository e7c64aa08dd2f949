import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { Webhook } from 'svix';
import { eventually } from '../helpers/eventually';
import { httpClient } from '../helpers/http';
import { spawnApiNode, type Proc } from '../helpers/processes';
import { connectSocket, emitAck, waitForEvent, type ClientSocket } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { newUser, type TestUser } from '../helpers/tokens';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

/**
 * Clerk's `user.deleted`: the account can never be blocked from deletion, a late event
 * cannot bring it back, its sockets go at once on every node, and it leaves its groups.
 */
describe('account deletion', () => {
  let app: TestApp;
  let db: Client;
  let node: Proc;
  let redis: Redis;
  beforeAll(async () => {
    app = await startTestApp({ env: { CLERK_WEBHOOK_SIGNING_SECRET: SECRET } });
    node = await spawnApiNode(app.env);
    db = new Client({ connectionString: app.isolation.databaseUrl });
    await db.connect();
    redis = new Redis(app.env.REDIS_URL!);
  }, 60_000);
  afterAll(async () => {
    redis.disconnect();
    await db.end();
    await node?.kill();
    await app.stop();
  });

  const signer = new Webhook(SECRET);
  const deliver = (payload: Record<string, unknown>, at = new Date()) => {
    const body = JSON.stringify(payload);
    const id = `msg_${randomBytes(8).toString('hex')}`;
    return app.http.post('/webhooks/clerk', {
      rawBody: body,
      headers: { 'svix-id': id, 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': signer.sign(id, at, body) },
    });
  };
  const clerkUser = (u: TestUser, username = u.username) => ({
    id: u.userId,
    username,
    first_name: 'Pat',
    last_name: 'Doe',
    email_addresses: [{ id: 'e1', email_address: u.email }],
    primary_email_address_id: 'e1',
  });
  const row = async (userId: string) => (await db.query('SELECT * FROM users WHERE user_id = $1', [userId])).rows[0];
  const group = async (token: string, name: string, visibility = 'public') =>
    (await app.http.post('/api/groups', { token, body: { groupName: name, visibility, groupType: 'community' } })).body;

  it('when someone holds the name the erasure would use, then user.deleted still succeeds (and that name cannot be taken any more)', async () => {
    const victim = await app.signedUpUser('victim');
    const squatter = await app.signedUpUser('squatter');
    expect((await app.http.patch('/api/me', { token: squatter.token, body: { username: `deleted_${victim.userId}` } })).status).toBe(400);
    // One taken before the name was reserved (an old row): deletion must not depend on it.
    await db.query('UPDATE users SET username = $1 WHERE user_id = $2', [`deleted_${victim.userId}`, squatter.userId]);
    const res = await deliver({ type: 'user.deleted', timestamp: Date.now(), data: { id: victim.userId, deleted: true } });
    expect(res.status).toBe(200);
    expect((await row(victim.userId)).deleted_at).not.toBeNull();
    expect((await row(squatter.userId)).deleted_at).toBeNull();
    expect((await app.http.get('/api/me', { token: victim.token })).status).toBe(401);
  });

  it('when user.updated (or an older user.created) arrives after user.deleted, then the account stays deleted; only a newer user.created revives it', async () => {
    const u = newUser('tomb');
    const t0 = Date.now() - 60_000;
    expect((await deliver({ type: 'user.created', timestamp: t0, data: clerkUser(u) })).status).toBe(200);
    expect((await deliver({ type: 'user.deleted', timestamp: t0 + 10_000, data: { id: u.userId, deleted: true } })).status).toBe(200);
    const token = await app.keys.sign(u);

    // A late update, older or newer than the deletion: ignored.
    for (const timestamp of [t0 + 5000, t0 + 20_000]) {
      expect((await deliver({ type: 'user.updated', timestamp, data: clerkUser(u, `${u.username}_upd`) })).status).toBe(200);
      expect((await row(u.userId)).deleted_at).not.toBeNull();
      expect((await app.http.get('/api/me', { token })).status).toBe(401);
    }
    // A replayed older user.created (its own svix-id): ignored too; without a payload
    // timestamp the svix-timestamp counts.
    expect((await deliver({ type: 'user.created', timestamp: t0, data: clerkUser(u) })).status).toBe(200);
    expect((await deliver({ type: 'user.created', data: clerkUser(u) }, new Date(t0 + 1000))).status).toBe(200);
    expect((await row(u.userId)).deleted_at).not.toBeNull();

    // A user.created newer than the deletion (Clerk re-created the id): revived.
    expect((await deliver({ type: 'user.created', timestamp: Date.now(), data: clerkUser(u) })).status).toBe(200);
    expect((await row(u.userId)).deleted_at).toBeNull();
    expect((await app.http.get('/api/me', { token })).status).toBe(200);
  });

  it('when a user is deleted, then every socket of theirs is disconnected at once, on every node', async () => {
    const u = await app.signedUpUser('sockets');
    const g = await group(u.token, 'gone soon');
    const onA: ClientSocket = await connectSocket(app.url, u.token);
    const onB: ClientSocket = await connectSocket(node.url!, u.token);
    expect(await emitAck(onB, 'room:join', { groupId: g.id })).toMatchObject({ ok: true });
    const goneA = new Promise<string>((resolve) => onA.once('disconnect', resolve));
    const goneB = new Promise<string>((resolve) => onB.once('disconnect', resolve));
    expect((await deliver({ type: 'user.deleted', timestamp: Date.now(), data: { id: u.userId, deleted: true } })).status).toBe(200);
    expect(await goneA).toBe('io server disconnect');
    expect(await goneB).toBe('io server disconnect');
    await expect(connectSocket(node.url!, u.token)).rejects.toMatchObject({ message: 'UNAUTHENTICATED' });
  });

  it('when a user is changed or deleted on one node, then the identity the other node cached is dropped at once', async () => {
    const u = await app.signedUpUser('cached');
    const onB = httpClient(node.url!);
    // Both nodes now hold the user in their identity cache.
    expect((await onB.get('/api/me', { token: u.token })).body.username).toBe(u.username);
    const renamed = `${u.username.slice(0, 20)}_new`;
    expect((await app.http.patch('/api/me', { token: u.token, body: { username: renamed } })).status).toBe(200);
    await eventually(async () => expect((await onB.get('/api/me', { token: u.token })).body.username).toBe(renamed));
    expect((await deliver({ type: 'user.deleted', timestamp: Date.now(), data: { id: u.userId, deleted: true } })).status).toBe(200);
    // The invalidation is published before the webhook is acknowledged: no wait is needed.
    expect((await onB.get('/api/me', { token: u.token })).status).toBe(401);
    expect((await app.http.get('/api/me', { token: u.token })).status).toBe(401);
  });

  it('when a user is deleted, then they leave every group: a sole leader is succeeded by the longest-standing admin (else member), an emptied group is closed', async () => {
    const gone = await app.signedUpUser('leaver');
    const admin = await app.signedUpUser('admin');
    const member = await app.signedUpUser('member');
    const watcher = await app.signedUpUser('watcher');
    const led = await group(gone.token, 'led by gone');
    const joined = await group(watcher.token, 'joined by gone');
    const alone = await group(gone.token, 'only gone');
    const memberOnly = await group(gone.token, 'gone and a member');
    // member joins first, admin later: an admin still comes first.
    for (const [g, u] of [
      [led, member],
      [led, admin],
      [joined, gone],
      [memberOnly, member],
    ] as const) {
      expect((await app.http.post(`/api/groups/${g.id}/join`, { token: u.token })).status).toBe(200);
    }
    expect((await app.http.patch(`/api/groups/${led.id}/members/${admin.userId}`, { token: gone.token, body: { role: 'admin' } })).status).toBe(200);
    const timer = await app.http.post('/api/timer/start', { token: gone.token, body: {} });
    expect(timer.status).toBe(201);
    const timerKey = `${app.env.REDIS_KEY_PREFIX}timer:${gone.userId}`;
    const running = JSON.parse((await redis.get(timerKey))!);
    const sessionUuid = running.sessionUuid as string;
    await redis.set(timerKey, JSON.stringify({ ...running, startedAt: new Date(Date.now() - 600_000).toISOString() }));

    const watching = await connectSocket(app.url, watcher.token);
    expect(await emitAck(watching, 'room:join', { groupId: joined.id })).toMatchObject({ ok: true });
    const left = waitForEvent(watching, 'member:left', (p) => p.userId === gone.userId);

    expect((await deliver({ type: 'user.deleted', timestamp: Date.now(), data: { id: gone.userId, deleted: true } })).status).toBe(200);
    await left;
    const { rows } = await db.query('SELECT group_id, user_id, role FROM groupings WHERE group_id = ANY($1::int[]) ORDER BY group_id, user_id', [
      [led.id, joined.id, alone.id, memberOnly.id],
    ]);
    const roles = (groupId: number) => Object.fromEntries(rows.filter((r) => r.group_id === groupId).map((r) => [r.user_id, r.role]));
    expect(roles(led.id)).toEqual({ [admin.userId]: 'leader', [member.userId]: 'member' });
    expect(roles(memberOnly.id)).toEqual({ [member.userId]: 'leader' });
    expect(roles(joined.id)).toEqual({ [watcher.userId]: 'leader' });
    expect(roles(alone.id)).toEqual({});
    const active = await db.query('SELECT id, is_active FROM groups WHERE id = ANY($1::int[]) ORDER BY id', [[led.id, alone.id]]);
    expect(active.rows).toEqual([
      { id: led.id, is_active: true },
      { id: alone.id, is_active: false },
    ]);
    const notes = await app.http.get('/api/notifications', { token: admin.token });
    expect(notes.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ notificationType: 'role_changed', data: expect.objectContaining({ groupId: led.id, role: 'leader' }) }),
      ]),
    );
    // Their running timer was stopped at the deletion, not left to run for 12 hours.
    expect(await redis.get(`${app.env.REDIS_KEY_PREFIX}timer:${gone.userId}`)).toBeNull();
    await eventually(async () => expect(await app.node.ctx.queues.sessions.getJob(sessionUuid)).toBeTruthy());
  });
});
