import { randomBytes } from 'node:crypto';
import { Webhook } from 'svix';
import { connectSocket } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { newUser } from '../helpers/tokens';

const PARTY = 'https://app.example';
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

const expectUnauthenticated = (res: { status: number; body: any }): void => {
  expect(res.status).toBe(401);
  expect(res.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
};

describe('authentication', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { CLERK_AUTHORIZED_PARTIES: PARTY, CLERK_WEBHOOK_SIGNING_SECRET: SECRET } });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('when the token is valid and carries an allowed azp, then GET /api/me answers 200 for its sub', async () => {
    const u = await app.user('valid', { azp: PARTY });
    const res = await app.http.get('/api/me', { token: u.token });
    expect(res.status).toBe(200);
    expect(res.body.userId).toBe(u.userId);
  });

  it('when the token has expired, then 401 UNAUTHENTICATED', async () => {
    const u = await app.user('expired', { azp: PARTY, expiresIn: -60 });
    expectUnauthenticated(await app.http.get('/api/me', { token: u.token }));
  });

  it('when nbf is beyond the 5 s skew, then 401 UNAUTHENTICATED', async () => {
    const u = await app.user('early', { azp: PARTY, notBefore: 60 });
    expectUnauthenticated(await app.http.get('/api/me', { token: u.token }));
  });

  it('when nbf is within the 5 s skew, then the token is accepted', async () => {
    const u = await app.user('skew', { azp: PARTY, notBefore: 2 });
    expect((await app.http.get('/api/me', { token: u.token })).status).toBe(200);
  });

  it('when the token is signed by another key, then 401 UNAUTHENTICATED', async () => {
    const u = newUser('otherkey');
    const token = await app.keys.signWithOtherKey(u);
    expectUnauthenticated(await app.http.get('/api/me', { token }));
  });

  it('when azp is not an authorized party, or is missing, then 401 UNAUTHENTICATED', async () => {
    const wrong = await app.user('wrongazp', { azp: 'https://evil.example' });
    expectUnauthenticated(await app.http.get('/api/me', { token: wrong.token }));
    const none = await app.user('noazp');
    expectUnauthenticated(await app.http.get('/api/me', { token: none.token }));
  });

  it('when the token is garbage, missing, or not a Bearer header, then 401 UNAUTHENTICATED', async () => {
    expectUnauthenticated(await app.http.get('/api/me', { token: 'not.a.jwt' }));
    expectUnauthenticated(await app.http.get('/api/me'));
    const u = await app.user('basic', { azp: PARTY });
    expectUnauthenticated(await app.http.get('/api/me', { headers: { authorization: `Basic ${u.token}` } }));
  });

  it('when a new sub arrives with profile claims, then the user is created just in time from them', async () => {
    const u = { ...newUser('jit'), firstName: 'Ada', lastName: 'Lovelace' };
    const token = await app.keys.sign(u, { azp: PARTY });
    const res = await app.http.get('/api/me', { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: u.userId, username: u.username, email: u.email, firstName: 'Ada', lastName: 'Lovelace', totalStudyTime: 0 });
    // Others see the public view.
    const other = await app.user('viewer', { azp: PARTY });
    const pub = await app.http.get(`/api/users/${u.userId}`, { token: other.token });
    expect(pub.status).toBe(200);
    expect(pub.body.username).toBe(u.username);
    expect(pub.body).not.toHaveProperty('email');
    expect(pub.body).not.toHaveProperty('preferences');
  });

  it('when a JIT username is taken, then the new user gets a numeric suffix', async () => {
    const first = await app.user('dup', { azp: PARTY });
    await app.http.get('/api/me', { token: first.token });
    const second = { ...newUser('dup2'), username: first.username };
    const res = await app.http.get('/api/me', { token: await app.keys.sign(second, { azp: PARTY }) });
    expect(res.status).toBe(200);
    expect(res.body.username).toBe(`${first.username}_2`);
  });

  it('when an unknown sub has no username/email claims, then 403 USER_NOT_SYNCED until the user.created webhook arrives', async () => {
    const u = newUser('unsynced');
    const token = await app.keys.sign(u, { azp: PARTY, withoutProfile: true });
    const before = await app.http.get('/api/me', { token });
    expect(before.status).toBe(403);
    expect(before.body).toEqual({ error: { code: 'USER_NOT_SYNCED', message: expect.any(String) } });

    const payload = JSON.stringify({
      type: 'user.created',
      data: {
        id: u.userId,
        username: u.username,
        first_name: 'Syn',
        last_name: 'Ced',
        email_addresses: [{ id: 'idn_1', email_address: u.email }],
        primary_email_address_id: 'idn_1',
      },
    });
    const msgId = `msg_${randomBytes(8).toString('hex')}`;
    const now = new Date();
    const hook = await app.http.post('/webhooks/clerk', {
      rawBody: payload,
      headers: {
        'svix-id': msgId,
        'svix-timestamp': String(Math.floor(now.getTime() / 1000)),
        'svix-signature': new Webhook(SECRET).sign(msgId, now, payload),
      },
    });
    expect(hook.status).toBe(200);

    const after = await app.http.get('/api/me', { token });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ userId: u.userId, username: u.username, email: u.email, firstName: 'Syn' });
  });

  it('when a socket handshakes with a bad or missing token, then connect_error says UNAUTHENTICATED', async () => {
    await expect(connectSocket(app.url, undefined)).rejects.toMatchObject({ message: 'UNAUTHENTICATED' });
    await expect(connectSocket(app.url, 'garbage')).rejects.toMatchObject({ message: 'UNAUTHENTICATED' });
    const expired = await app.user('sockexp', { azp: PARTY, expiresIn: -60 });
    await expect(connectSocket(app.url, expired.token)).rejects.toMatchObject({ message: 'UNAUTHENTICATED' });
    const ok = await app.user('sockok', { azp: PARTY });
    const socket = await connectSocket(app.url, ok.token);
    expect(socket.connected).toBe(true);
    socket.close();
  });
});
