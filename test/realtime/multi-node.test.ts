import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { Grouping, Message } from '../../src/db/models';
import { eventually } from '../helpers/eventually';
import { httpClient } from '../helpers/http';
import { spawnApiNode, type Proc } from '../helpers/processes';
import { isSentinel, userSentinel } from '../helpers/sentinel';
import { connectSocket, emitAck, recordEvents, waitForEvent, type ClientSocket } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { addMember, cameOnline, createGroup, type Member, transitionsOf, wentOffline } from './fixtures';

/**
 * SIGKILL for real: `spawnApiNode` runs tsx's CLI, which runs the node in a child
 * process that survives a SIGKILL of the CLI. Kill that child (by pid) first.
 */
async function crash(proc: Proc): Promise<void> {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(proc.child.pid)])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    // no child
  }
  for (const pid of children) process.kill(pid, 'SIGKILL');
  await proc.kill();
}

/**
 * Two API nodes in their own processes on one Redis: what a client on one node does is
 * seen by members on the other, never by strangers; a killed node leaves no ghosts.
 */
describe('real-time rooms across two API nodes', () => {
  let app: TestApp;
  let nodeA: Proc;
  let nodeB: Proc;
  let redis: Redis;

  beforeAll(async () => {
    app = await startTestApp({ env: { PRESENCE_TTL_SECONDS: '3' } });
    // One after the other: the machine is small and a node's start is CPU-bound.
    nodeA = await spawnApiNode(app.env);
    nodeB = await spawnApiNode(app.env);
    redis = new Redis(app.env.REDIS_URL!);
  }, 90_000);
  afterAll(async () => {
    redis?.disconnect();
    await Promise.all([nodeA && crash(nodeA), nodeB && crash(nodeB)]);
    await app?.stop();
  });

  const join = async (socket: ClientSocket, groupId: number): Promise<any> => {
    const ack = await emitAck(socket, 'room:join', { groupId });
    expect(ack).toMatchObject({ ok: true });
    return ack;
  };

  it('when a member on node B joins, starts a timer and chats, then a member on node A sees it all and strangers on either node see nothing', async () => {
    const ana = await app.signedUpUser('ana');
    const ben = await app.signedUpUser('ben');
    const eve = await app.signedUpUser('eve');
    const group = await createGroup(ana, { visibility: 'private' });
    await addMember(group, ben);

    const anaA = await connectSocket(nodeA.url!, ana.token);
    const eveA = await connectSocket(nodeA.url!, eve.token);
    const eveB = await connectSocket(nodeB.url!, eve.token);
    const eveSeenA = recordEvents(eveA);
    const eveSeenB = recordEvents(eveB);
    await join(anaA, group.id);

    // A stranger cannot join a private group's room, on either node.
    for (const s of [eveA, eveB]) {
      expect(await emitAck(s, 'room:join', { groupId: group.id })).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: expect.any(String) } });
    }

    const online = waitForEvent(anaA, 'presence:diff', cameOnline(ben.userId));
    const benB = await connectSocket(nodeB.url!, ben.token);
    const joined = await join(benB, group.id);
    expect(joined.state.groupId).toBe(group.id);
    expect(joined.state.members).toEqual(
      expect.arrayContaining([
        { userId: ana.userId, username: ana.username, online: true, timer: null },
        { userId: ben.userId, username: ben.username, online: true, timer: null },
      ]),
    );
    expect(await online).toMatchObject({ groupId: group.id, leaves: [] });
    expect((await online).joins).toContainEqual({ userId: ben.userId, username: ben.username, lastSeen: expect.any(String) });
    await eventually(async () => expect((await Grouping.findOne({ where: { groupId: group.id, userId: ben.userId } }))!.isConnected).toBe(true));

    // Timer started on B is seen on A, and in the room state of a later joiner.
    const started = waitForEvent(anaA, 'timer:started', (p) => p.userId === ben.userId);
    const startAck = await emitAck(benB, 'timer:start', { groupId: group.id });
    const stopwatch = { mode: 'stopwatch', state: 'focus', subject: null, phaseEndsAt: null, cycle: null };
    expect(startAck).toEqual({
      ok: true,
      timer: { startedAt: expect.any(String), groupId: group.id, ...stopwatch, focusSeconds: expect.any(Number), pausedSeconds: 0, pomodoro: null },
    });
    expect(await started).toEqual({
      groupId: group.id,
      userId: ben.userId,
      startedAt: startAck.timer.startedAt,
      ...stopwatch,
      focusSeconds: expect.any(Number),
    });
    const anaState = await emitAck(anaA, 'room:join', { groupId: group.id });
    expect(anaState.state.members.find((m) => m.userId === ben.userId)!.timer).toEqual({ ...startAck.timer, focusSeconds: expect.any(Number) });

    // Chat sent on B arrives on A, and is already in the history.
    const chat = waitForEvent(anaA, 'chat:message', (p) => p.message.userId === ben.userId);
    const sent = await emitAck(benB, 'chat:send', { groupId: group.id, content: 'hello from B', clientMessageId: 'm-1' });
    expect(sent.ok).toBe(true);
    expect((await chat).message).toEqual(sent.message);
    expect(await Message.count({ where: { id: sent.message.id } })).toBe(1);

    const typing = waitForEvent(anaA, 'chat:typing', (p) => p.userId === ben.userId);
    benB.emit('chat:typing', { groupId: group.id });
    expect(await typing).toEqual({ groupId: group.id, userId: ben.userId });

    const stopped = waitForEvent(anaA, 'timer:stopped', (p) => p.userId === ben.userId);
    const stopAck = await emitAck(benB, 'timer:stop', {});
    expect(stopAck.ok).toBe(true);
    expect(await stopped).toMatchObject({ groupId: group.id, userId: ben.userId, durationSeconds: expect.any(Number) });

    // Ben's second tab on A: leaving with one tab keeps him online; the last one takes him offline.
    const benA = await connectSocket(nodeA.url!, ben.token);
    await join(benA, group.id);
    const presence: any[] = [];
    anaA.on('presence:diff', (p) => presence.push(...transitionsOf(p)));
    await emitAck(benB, 'room:leave', { groupId: group.id });
    const offline = waitForEvent(anaA, 'presence:diff', wentOffline(ben.userId));
    benA.close();
    await offline;
    // The offline sent after the last tab closed is the sentinel: an offline for the
    // first tab's leave would have been published before it, and arrived before it.
    expect(presence.filter((p) => p.userId === ben.userId)).toEqual([expect.objectContaining({ online: false })]);
    await eventually(async () => expect((await Grouping.findOne({ where: { groupId: group.id, userId: ben.userId } }))!.isConnected).toBe(false));

    // Everything the room heard was sent before this sentinel to Eve on both nodes.
    await userSentinel(app.http, eve, [eveA, eveB]);
    expect(eveSeenA.filter((e) => !isSentinel(e))).toEqual([]);
    expect(eveSeenB.filter((e) => !isSentinel(e))).toEqual([]);
    benB.close();
  });

  it('when a member is removed from the group, then their sockets leave the room at once and they go offline', async () => {
    const ana = await app.signedUpUser('ana');
    const ben = await app.signedUpUser('ben');
    const group = await createGroup(ana, { visibility: 'public' });
    await addMember(group, ben);
    const anaA = await connectSocket(nodeA.url!, ana.token);
    const benB = await connectSocket(nodeB.url!, ben.token);
    await join(anaA, group.id);
    await join(benB, group.id);

    const offline = waitForEvent(anaA, 'presence:diff', wentOffline(ben.userId));
    await Grouping.destroy({ where: { groupId: group.id, userId: ben.userId } });
    app.node.ctx.broadcast.removeUserFromGroup(ben.userId, group.id);
    await offline;

    const benSeen = recordEvents(benB);
    const sent = await emitAck(anaA, 'chat:send', { groupId: group.id, content: 'after removal' });
    expect(sent.ok).toBe(true);
    await userSentinel(app.http, ben, [benB]);
    expect(benSeen.filter((e) => e.event === 'chat:message')).toEqual([]);
    // A stranger to a public group: FORBIDDEN.
    expect(await emitAck(benB, 'room:join', { groupId: group.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitAck(benB, 'chat:send', { groupId: group.id, content: 'let me in' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    anaA.close();
    benB.close();
  });

  it('when a member is removed through node A with the membership caches warm on both nodes, then within 1 s they can neither send nor receive on node B', async () => {
    const ana = await app.signedUpUser('ana');
    const ben = await app.signedUpUser('ben');
    const group = await createGroup(ana, { visibility: 'public' });
    await addMember(group, ben);
    const anaA = await connectSocket(nodeA.url!, ana.token);
    const anaB = await connectSocket(nodeB.url!, ana.token);
    const benA = await connectSocket(nodeA.url!, ben.token);
    const benB = await connectSocket(nodeB.url!, ben.token);
    // Warm: both users joined and sent on both nodes (access, roles and the member list cached there).
    for (const s of [anaA, anaB, benA, benB]) await join(s, group.id);
    for (const [s, n] of [
      [anaA, 'a'],
      [anaB, 'b'],
      [benA, 'c'],
      [benB, 'd'],
    ] as const) {
      expect(await emitAck(s, 'chat:send', { groupId: group.id, content: `warm ${n}` })).toMatchObject({ ok: true });
    }

    const offline = waitForEvent(anaA, 'presence:diff', wentOffline(ben.userId));
    const removed = await httpClient(nodeA.url!).delete(`/api/groups/${group.id}/members/${ben.userId}`, { token: ana.token });
    expect(removed.status).toBe(204);
    const benSeen = recordEvents(benB);

    // On node B: sending is refused (the cached role was dropped), well within 1 s.
    await eventually(
      async () =>
        expect(await emitAck(benB, 'chat:send', { groupId: group.id, content: 'still here?' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } }),
      {
        timeout: 1000,
        interval: 20,
      },
    );
    expect(await emitAck(benB, 'room:join', { groupId: group.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await offline;

    // ...and receiving: a message Ana sends on node B does not reach Ben's socket there.
    expect(await emitAck(anaB, 'chat:send', { groupId: group.id, content: 'after removal' })).toMatchObject({ ok: true });
    await userSentinel(app.http, ben, [benB, benA]);
    expect(benSeen.filter((e) => e.event === 'chat:message' && (e.payload as any).message.content === 'after removal')).toEqual([]);
    // Ana, still a member, still sends on both nodes (her cached access is untouched).
    expect(await emitAck(anaA, 'chat:send', { groupId: group.id, content: 'still a member' })).toMatchObject({ ok: true });
    for (const s of [anaA, anaB, benA, benB]) s.close();
  });

  it('when a message is sent, read and a member leaves through node A, then GET /api/groups on node B (its answer cached) shows each within 1 s', async () => {
    const ana = await app.signedUpUser('ana');
    const ben = await app.signedUpUser('ben');
    const cid = await app.signedUpUser('cid');
    const group = await createGroup(ana, { visibility: 'public' });
    await addMember(group, ben);
    await addMember(group, cid);
    const onA = httpClient(nodeA.url!);
    const onB = httpClient(nodeB.url!);
    const mine = async () => {
      const res = await onB.get('/api/groups', { token: ben.token });
      expect(res.status).toBe(200);
      return (res.body as any[]).find((g) => g.id === group.id);
    };
    // Warm: Ben's answer is cached on node B.
    expect(await mine()).toMatchObject({ memberCount: 3, unreadCount: 0, lastMessageAt: null });
    expect(await mine()).toMatchObject({ memberCount: 3, unreadCount: 0 });

    const anaA = await connectSocket(nodeA.url!, ana.token);
    await join(anaA, group.id);
    const sent = await emitAck(anaA, 'chat:send', { groupId: group.id, content: 'news on A' });
    expect(sent.ok).toBe(true);
    await eventually(async () => expect(await mine()).toMatchObject({ unreadCount: 1, lastMessageAt: sent.message.createdAt }), {
      timeout: 1000,
      interval: 20,
    });

    expect((await onA.post(`/api/groups/${group.id}/read`, { token: ben.token, body: { messageId: sent.message.id } })).status).toBe(204);
    await eventually(async () => expect(await mine()).toMatchObject({ unreadCount: 0 }), { timeout: 1000, interval: 20 });

    expect(((await onB.get('/api/groups', { token: cid.token })).body as any[]).some((g) => g.id === group.id)).toBe(true); // Cid's cached too
    expect((await onA.post(`/api/groups/${group.id}/leave`, { token: cid.token })).status).toBe(204);
    await eventually(async () => expect(await mine()).toMatchObject({ memberCount: 2 }), { timeout: 1000, interval: 20 });
    // And Cid's own list on node B no longer has the group.
    await eventually(async () => expect(((await onB.get('/api/groups', { token: cid.token })).body as any[]).some((g) => g.id === group.id)).toBe(false), {
      timeout: 1000,
      interval: 20,
    });
    anaA.close();
  });

  it('when node B is killed with SIGKILL, then its clients reconnect to node A with their timers intact and go offline for others within the TTL', async () => {
    const ana = await app.signedUpUser('ana');
    const ben = await app.signedUpUser('ben');
    const cat = await app.signedUpUser('cat');
    const group = await createGroup(ana);
    await addMember(group, ben);
    await addMember(group, cat);
    const anaA = await connectSocket(nodeA.url!, ana.token);
    await join(anaA, group.id);
    const benB = await connectSocket(nodeB.url!, ben.token);
    const catB = await connectSocket(nodeB.url!, cat.token);
    await join(benB, group.id);
    await join(catB, group.id);
    const benTimer = await emitAck(benB, 'timer:start', { groupId: group.id });
    const catTimer = await httpClient(nodeB.url!).post('/api/timer/start', { token: cat.token, body: {} });
    expect(benTimer.ok).toBe(true);
    expect(catTimer.status).toBe(201);

    const gone = Promise.all([ben, cat].map((u: Member) => waitForEvent(anaA, 'presence:diff', wentOffline(u.userId), 3000 + 5000)));
    const killedAt = Date.now();
    await crash(nodeB);
    await gone;
    // TTL (3 s) + one sweep interval (1 s) + slack.
    expect(Date.now() - killedAt).toBeLessThan(3000 + 2500);

    // The clients come back through node A: their timers kept the same start.
    const a = httpClient(nodeA.url!);
    // Same timers (focusSeconds is counted as of each answer, so it has grown).
    expect((await a.get('/api/timer', { token: ben.token })).body).toEqual({ timer: { ...benTimer.timer, focusSeconds: expect.any(Number) } });
    expect((await a.get('/api/timer', { token: cat.token })).body).toEqual({ timer: { ...catTimer.body, focusSeconds: expect.any(Number) } });
    const benAgain = await connectSocket(nodeA.url!, ben.token);
    const back = waitForEvent(anaA, 'presence:diff', cameOnline(ben.userId));
    const state = await join(benAgain, group.id);
    await back;
    expect(state.state.members.find((m: any) => m.userId === ben.userId)).toMatchObject({
      online: true,
      timer: { ...benTimer.timer, focusSeconds: expect.any(Number) },
    });
    expect(state.state.members.find((m: any) => m.userId === cat.userId)).toMatchObject({
      online: false,
      timer: { ...catTimer.body, focusSeconds: expect.any(Number) },
    });
    const stop = await emitAck(benAgain, 'timer:stop', {});
    expect(stop).toMatchObject({ ok: true, discarded: false, session: { id: null, startedAt: benTimer.timer.startedAt, groupId: group.id } });
    expect(await redis.exists(`${app.env.REDIS_KEY_PREFIX}timer:${ben.userId}`)).toBe(0);
  }, 30_000);
});
