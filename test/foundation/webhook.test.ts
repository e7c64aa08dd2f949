import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Webhook } from 'svix';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { newUser } from '../helpers/tokens';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

interface Delivery {
  id?: string;
  at?: Date;
  /** Signed body; `send` replaces what is sent (a tampered body). */
  payload: unknown;
  send?: string;
}

describe('POST /webhooks/clerk', () => {
  let app: TestApp;
  let db: Client;
  const signer = new Webhook(SECRET);

  const deliver = async ({ id = `msg_${randomBytes(8).toString('hex')}`, at = new Date(), payload, send }: Delivery) => {
    const body = JSON.stringify(payload);
    return app.http.post('/webhooks/clerk', {
      rawBody: send ?? body,
      headers: { 'svix-id': id, 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': signer.sign(id, at, body) },
    });
  };
  const clerkUser = (u: { userId: string; username: string; email: string }, extra: Record<string, unknown> = {}) => ({
    id: u.userId,
    username: u.username,
    first_name: 'Grace',
    last_name: 'Hopper',
    email_addresses: [{ id: 'idn_main', email_address: u.email }],
    primary_email_address_id: 'idn_main',
    ...extra,
  });
  const userRow = async (userId: string) => (await db.query('SELECT * FROM users WHERE user_id = $1', [userId])).rows[0];

  beforeAll(async () => {
    app = await startTestApp({ env: { CLERK_WEBHOOK_SIGNING_SECRET: SECRET } });
    db = new Client({ connectionString: app.isolation.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await app.stop();
  });

  it('when a valid user.created arrives, then the user is created', async () => {
    const u = newUser('hook');
    const res = await deliver({ payload: { type: 'user.created', data: clerkUser(u) } });
    expect(res.status).toBe(200);
    expect(await userRow(u.userId)).toMatchObject({ username: u.username, email: u.email, first_name: 'Grace', last_name: 'Hopper', deleted_at: null });
  });

  it('when user.updated arrives, then the user is updated', async () => {
    const u = newUser('upd');
    await deliver({ payload: { type: 'user.created', data: clerkUser(u) } });
    const res = await deliver({ payload: { type: 'user.updated', data: clerkUser(u, { first_name: 'Amazing', username: `${u.username}_new` }) } });
    expect(res.status).toBe(200);
    expect(await userRow(u.userId)).toMatchObject({ first_name: 'Amazing', username: `${u.username}_new` });
  });

  it('when user.deleted arrives, then personal data is wiped and the token stops working', async () => {
    const u = await app.signedUpUser('gone');
    const res = await deliver({ payload: { type: 'user.deleted', data: { id: u.userId, deleted: true } } });
    expect(res.status).toBe(200);
    const row = await userRow(u.userId);
    expect(row.deleted_at).not.toBeNull();
    expect(row).toMatchObject({ first_name: null, last_name: null, preferences: {} });
    expect(row.username).not.toBe(u.username);
    expect(row.email).not.toBe(u.email);
    const me = await app.http.get('/api/me', { token: u.token });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('when the body was tampered with, then 400 and nothing is written', async () => {
    const u = newUser('tamper');
    const signed = { type: 'user.created', data: clerkUser(u) };
    const res = await deliver({ payload: signed, send: JSON.stringify({ ...signed, data: clerkUser(u, { username: 'mallory' }) }) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(await userRow(u.userId)).toBeUndefined();
  });

  it('when the timestamp is more than 5 minutes old, then 400 and nothing is written', async () => {
    const u = newUser('stale');
    const res = await deliver({ at: new Date(Date.now() - 10 * 60_000), payload: { type: 'user.created', data: clerkUser(u) } });
    expect(res.status).toBe(400);
    expect(await userRow(u.userId)).toBeUndefined();
  });

  it('when the signature headers are missing, then 400', async () => {
    const res = await app.http.post('/webhooks/clerk', { body: { type: 'user.created', data: clerkUser(newUser('nosig')) } });
    expect(res.status).toBe(400);
  });

  it('when a svix-id is replayed with another body, then 200 and no second effect', async () => {
    const u = newUser('replay');
    const id = `msg_${randomBytes(8).toString('hex')}`;
    expect((await deliver({ id, payload: { type: 'user.created', data: clerkUser(u) } })).status).toBe(200);
    const again = await deliver({ id, payload: { type: 'user.updated', data: clerkUser(u, { first_name: 'Twice' }) } });
    expect(again.status).toBe(200);
    expect((await userRow(u.userId)).first_name).toBe('Grace');
    const { rows } = await db.query('SELECT count(*)::int AS n FROM webhook_events WHERE svix_id = $1', [id]);
    expect(rows[0].n).toBe(1);
  });

  it('when an event type we do not handle arrives, then 200 and nothing changes', async () => {
    const res = await deliver({ payload: { type: 'session.created', data: { id: 'sess_1' } } });
    expect(res.status).toBe(200);
  });
});
