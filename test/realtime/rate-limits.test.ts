import { io } from 'socket.io-client';
import { httpClient } from '../helpers/http';
import { spawnApiNode, type Proc } from '../helpers/processes';
import { connectSocket, emitAck, recordEvents, testTransports, waitForEvent, type ClientSocket } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { createGroup, addMember } from './fixtures';

/**
 * Per-user limits in Redis, shared by every node, with the defaults (only the per-inviter
 * invitation limit is lowered here, to test it without creating fifty groups): the
 * audit's abuse is refused, ordinary use is not.
 */
describe('rate limits', () => {
  let app: TestApp;
  let node: Proc;
  beforeAll(async () => {
    app = await startTestApp({ env: { INVITATIONS_PER_HOUR_PER_INVITER: '5' } });
    node = await spawnApiNode(app.env);
  }, 60_000);
  afterAll(async () => {
    await node?.kill();
    await app.stop();
  });

  /** At most the burst plus what refills while the requests run (the audit's 60 took 470 ms). */
  const writesAllowedWithin = (ms: number): number => app.config.writeRateBurst + Math.ceil((app.config.writeRatePerMinute / 60_000) * ms) + 1;

  const rateLimitedCount = async (): Promise<number> => {
    const text = (await app.http.get('/metrics')).body as string;
    return [...text.matchAll(/^studysync_rate_limited_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  };

  it('when one user fires 60 group creations at once, then the burst is cut with 429 RATE_LIMITED and Retry-After, and /metrics counts it', async () => {
    const u = await app.signedUpUser('spammer');
    const before = await rateLimitedCount();
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => app.http.post('/api/groups', { token: u.token, body: { groupName: `spam ${i}` } })));
    const elapsed = Date.now() - started;
    const created = results.filter((r) => r.status === 201).length;
    const limited = results.filter((r) => r.status === 429);
    expect(created).toBeGreaterThanOrEqual(app.config.writeRateBurst);
    expect(created).toBeLessThanOrEqual(Math.min(59, writesAllowedWithin(elapsed)));
    expect(limited.length).toBe(60 - created);
    expect(limited[0]!.body).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await rateLimitedCount()).toBeGreaterThanOrEqual(before + limited.length);
    // Reads are never limited.
    expect((await app.http.get('/api/groups', { token: u.token })).status).toBe(200);
  });

  it('when writes are split between two nodes, then they share one limit', async () => {
    const u = await app.signedUpUser('twonodes');
    const other = httpClient(node.url!);
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? other : app.http).post('/api/groups', { token: u.token, body: { groupName: `split ${i}` } })),
    );
    expect(results.filter((r) => r.status === 201).length).toBeLessThanOrEqual(Math.min(59, writesAllowedWithin(Date.now() - started)));
    expect(results.filter((r) => r.status === 429).length).toBeGreaterThan(0);
  });

  it('when 300 chat edits are sent over a socket at once, then most are refused RATE_LIMITED and only the accepted ones reach the room', async () => {
    const author = await app.signedUpUser('editor');
    const reader = await app.signedUpUser('reader');
    const group = await createGroup(author);
    await addMember(group, reader);
    const message = await app.http.post(`/api/groups/${group.id}/messages`, { token: author.token, body: { content: 'v0' } });
    const readerSocket = await connectSocket(app.url, reader.token);
    await emitAck(readerSocket, 'room:join', { groupId: group.id });
    const seen = recordEvents(readerSocket);
    const socket = await connectSocket(app.url, author.token);
    const started = Date.now();
    const acks = await Promise.all(Array.from({ length: 300 }, (_, i) => emitAck(socket, 'chat:edit', { messageId: message.body.id, content: `v${i + 1}` })));
    const accepted = acks.filter((a) => a.ok).length;
    expect(accepted).toBeLessThanOrEqual(Math.min(100, writesAllowedWithin(Date.now() - started)));
    expect(acks.filter((a) => !a.ok).every((a) => a.error?.code === 'RATE_LIMITED')).toBe(true);
    // Sentinel from another user: once it arrives, every accepted edit has been delivered too.
    const sentinel = waitForEvent(readerSocket, 'chat:message', (p) => p.message.content === 'sentinel');
    await app.http.post(`/api/groups/${group.id}/messages`, { token: reader.token, body: { content: 'sentinel' } });
    await sentinel;
    expect(seen.filter((e) => e.event === 'chat:edited').length).toBe(accepted);
  });

  it('when typing is flooded, then the excess is refused RATE_LIMITED and the socket stays up', async () => {
    const u = await app.signedUpUser('typist');
    const group = await createGroup(u);
    const socket = await connectSocket(app.url, u.token);
    const started = Date.now();
    const acks = await Promise.all(Array.from({ length: 100 }, () => emitAck(socket, 'chat:typing', { groupId: group.id })));
    const typingAllowed = app.config.typingRateBurst + Math.ceil((app.config.typingRatePerMinute / 60_000) * (Date.now() - started)) + 1;
    expect(acks.filter((a) => a.ok).length).toBeLessThanOrEqual(typingAllowed);
    expect(acks.filter((a) => !a.ok).every((a) => a.error?.code === 'RATE_LIMITED')).toBe(true);
    expect(socket.connected).toBe(true);
  });

  it('when many invitations target one user, then at most 20 an hour reach them; one inviter sends at most its hourly limit', async () => {
    const victim = await app.signedUpUser('victim');
    const inviters = await Promise.all(Array.from({ length: 6 }, (_, i) => app.signedUpUser(`inviter${i}`)));
    const statuses: number[] = [];
    for (const inviter of inviters) {
      for (let g = 0; g < 4; g += 1) {
        const group = await createGroup(inviter);
        statuses.push((await app.http.post(`/api/groups/${group.id}/invitations`, { token: inviter.token, body: { invitedUserId: victim.userId } })).status);
      }
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    expect((await app.http.get('/api/invitations', { token: victim.token })).body).toHaveLength(20);

    const busy = await app.signedUpUser('busy');
    const targets = await Promise.all(Array.from({ length: 7 }, (_, i) => app.signedUpUser(`target${i}`)));
    const group = await createGroup(busy);
    const sent: number[] = [];
    for (const target of targets)
      sent.push((await app.http.post(`/api/groups/${group.id}/invitations`, { token: busy.token, body: { invitedUserId: target.userId } })).status);
    expect(sent).toEqual([201, 201, 201, 201, 201, 429, 429]);
  });

  it('when a user opens an 11th socket, then the handshake is refused with RATE_LIMITED; closing one frees a place', async () => {
    const u = await app.signedUpUser('tabs');
    const sockets: ClientSocket[] = [];
    for (let i = 0; i < 10; i += 1) sockets.push(await connectSocket(i % 2 ? node.url! : app.url, u.token));
    await expect(connectSocket(app.url, u.token)).rejects.toMatchObject({ message: 'RATE_LIMITED' });
    await expect(connectSocket(node.url!, u.token)).rejects.toMatchObject({ message: 'RATE_LIMITED' });
    const gone = sockets.pop()!;
    gone.close();
    const again = await eventuallyConnect(app.url, u.token);
    expect(again.connected).toBe(true);
    for (const s of [...sockets, again]) s.close();
  });

  it('when a student works at an ordinary pace, then nothing is limited', async () => {
    const u = await app.signedUpUser('student');
    const group = await createGroup(u);
    const socket = await connectSocket(app.url, u.token);
    const statuses: unknown[] = [];
    // A busy minute squeezed into a second: ten messages, a typing hint every few, ten settings changes.
    for (let i = 0; i < 10; i += 1) {
      statuses.push((await emitAck(socket, 'chat:send', { groupId: group.id, content: `note ${i}` })).ok);
      if (i % 3 === 0) statuses.push((await emitAck(socket, 'chat:typing', { groupId: group.id })).ok);
      statuses.push((await app.http.patch('/api/me', { token: u.token, body: { preferences: { dailyGoalMinutes: i } } })).status);
    }
    expect(statuses.every((s) => s === true || s === 200)).toBe(true);
  });

  /** The freed place is released when the server sees the disconnect: retry the handshake until then. */
  async function eventuallyConnect(url: string, token: string): Promise<ClientSocket> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const socket: ClientSocket = io(url, { auth: { token }, ...testTransports(), reconnection: false, forceNew: true });
      try {
        return await new Promise<ClientSocket>((resolve, reject) => {
          socket.once('connect', () => resolve(socket));
          socket.once('connect_error', reject);
        });
      } catch (error) {
        socket.close();
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
});
