import { randomBytes } from 'node:crypto';
import { Webhook } from 'svix';
import type { HttpResult } from '../helpers/http';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { newUser } from '../helpers/tokens';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const VALID = /^[A-Za-z0-9_.-]{3,64}$/;
const fields = (res: HttpResult): string[] => ((res.body?.error?.details ?? []) as Array<{ field: string }>).map((d) => d.field);

describe('usernames: one set of rules on every path, system names reserved', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { CLERK_WEBHOOK_SIGNING_SECRET: SECRET } });
  });
  afterAll(async () => {
    await app.stop();
  });

  const deliver = (payload: unknown) => {
    const body = JSON.stringify(payload);
    const id = `msg_${randomBytes(8).toString('hex')}`;
    const at = new Date();
    return app.http.post('/webhooks/clerk', {
      rawBody: body,
      headers: { 'svix-id': id, 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': new Webhook(SECRET).sign(id, at, body) },
    });
  };
  /** A brand-new user arriving with this username claim; returns the username they got. */
  const jitWith = async (username: string, extra: Record<string, string> = {}): Promise<string> => {
    const u = { ...newUser('jit'), username, ...extra };
    const res = await app.http.get('/api/me', { token: await app.keys.sign(u) });
    expect(res.status).toBe(200);
    return res.body.username;
  };

  it.each(['deleted_user_victim1', 'DELETED_x', 'admin', 'Administrator', 'SYSTEM', 'support', 'root', 'studysync', 'moderator'])(
    'when PATCH /me asks for the reserved name %j, then 400 VALIDATION_FAILED naming body.username',
    async (username) => {
      const u = await app.signedUpUser('res');
      const res = await app.http.patch('/api/me', { token: u.token, body: { username } });
      expect(res.status).toBe(400);
      expect(fields(res)).toContain('body.username');
      expect((await app.http.get('/api/me', { token: u.token })).body.username).toBe(u.username);
    },
  );

  it('when a token claims a reserved or invalid username, then the new user gets a valid derived one', async () => {
    for (const claim of ['admin', 'Root', 'deleted_user_someone', 'a b!', 'ab', 'x'.repeat(100), 'ünïcødé', '...']) {
      const got = await jitWith(claim);
      expect({ claim, got, valid: VALID.test(got), reserved: /^(admin|root|deleted_)/i.test(got) }).toEqual({ claim, got, valid: true, reserved: false });
    }
    // A valid, free claim is kept as it is.
    const plain = `plain_${randomBytes(3).toString('hex')}`;
    expect(await jitWith(plain)).toBe(plain);
  });

  it('when a token carries a NUL character in a name claim, then the user is created without it (no 500)', async () => {
    const u = { ...newUser('nulclaim'), firstName: 'Ada\u0000', lastName: 'Love\u0000lace' };
    const res = await app.http.get('/api/me', { token: await app.keys.sign(u) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ firstName: null, lastName: null });
  });

  it('when a webhook user carries a reserved or invalid username, then a valid derived one is stored', async () => {
    for (const username of ['system', 'bad name', 'deleted_abc']) {
      const u = newUser('hookname');
      const res = await deliver({
        type: 'user.created',
        timestamp: Date.now(),
        data: { id: u.userId, username, email_addresses: [{ id: 'e1', email_address: u.email }], primary_email_address_id: 'e1' },
      });
      expect(res.status).toBe(200);
      const other = await app.signedUpUser('viewer');
      const got = (await app.http.get(`/api/users/${u.userId}`, { token: other.token })).body.username;
      expect({ username, got, valid: VALID.test(got), reserved: /^(system|deleted_)/i.test(got) }).toEqual({ username, got, valid: true, reserved: false });
    }
  });

  it('when eight new users arrive at once with the same username claim, then all succeed with distinct usernames', async () => {
    const wanted = `crowd_${randomBytes(3).toString('hex')}`;
    const users = Array.from({ length: 8 }, () => ({ ...newUser('crowd'), username: wanted }));
    const results = await Promise.all(users.map(async (u) => app.http.get('/api/me', { token: await app.keys.sign(u) })));
    expect(results.map((r) => r.status)).toEqual(users.map(() => 200));
    const names = results.map((r) => r.body.username as string);
    expect(new Set(names).size).toBe(8);
    expect(names).toContain(wanted);
    for (const name of names) expect(name.startsWith(wanted)).toBe(true);
  });
});
