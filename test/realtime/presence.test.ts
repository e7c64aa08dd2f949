import { Redis } from 'ioredis';
import { Grouping } from '../../src/db/models';
import { eventually } from '../helpers/eventually';
import { addEntry, addEntryAndRead, sweepGroups } from '../../src/components/presence/presence.store';
import { timersRead } from '../../src/components/timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectSocket, emitAck, recordEvents, waitForEvent } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { addMember, cameOnline, createGroup, transitionsOf, wentOffline } from './fixtures';

describe('presence in one node', () => {
  let app: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    app = await startTestApp({ env: { PRESENCE_TTL_SECONDS: '3' } });
    redis = new Redis(app.env.REDIS_URL!);
  });
  afterAll(async () => {
    redis.disconnect();
    await app.stop();
  });
  const presenceKey = (groupId: number) => `${app.env.REDIS_KEY_PREFIX}presence:${groupId}`;

  it('when a crashed node left an entry behind, then the sweeper takes its user offline within the TTL', async () => {
    const ana = await app.signedUpUser('ana');
    const ghost = await app.signedUpUser('ghost');
    const group = await createGroup(ana);
    await addMember(group, ghost);
    await Grouping.update({ isConnected: true }, { where: { groupId: group.id, userId: ghost.userId } });
    const socket = await connectSocket(app.url, ana.token);
    await emitAck(socket, 'room:join', { groupId: group.id });
    // What a SIGKILLed node leaves: an entry nobody refreshes.
    await redis.zadd(presenceKey(group.id), Date.now() + 1000, `dead-socket|${ghost.userId}`);
    await redis.hincrby(`${presenceKey(group.id)}:users`, ghost.userId, 1);
    await redis.sadd(`${app.env.REDIS_KEY_PREFIX}presence:groups`, String(group.id));
    const state = await emitAck(socket, 'room:join', { groupId: group.id });
    expect(state.state.members.find((m) => m.userId === ghost.userId)!.online).toBe(true);
    const offline = await waitForEvent(socket, 'presence:diff', wentOffline(ghost.userId), 6000);
    expect(offline).toMatchObject({ groupId: group.id, joins: [], leaves: [{ userId: ghost.userId, lastSeen: expect.any(String) }] });
    await eventually(async () => expect((await Grouping.findOne({ where: { groupId: group.id, userId: ghost.userId } }))!.isConnected).toBe(false));
  });

  it('when a sweep and a join are decided in one order and their replies handled in the other, then the room shows the later one', async () => {
    const ctx = app.node.ctx;
    const ana = await app.signedUpUser('ana');
    const mover = await app.signedUpUser('mover');
    const group = await createGroup(ana);
    await addMember(group, mover);
    const socket = await connectSocket(app.url, ana.token);
    await emitAck(socket, 'room:join', { groupId: group.id });
    // The mover's socket on a killed node, expired; they come back through this node.
    await redis.zadd(presenceKey(group.id), Date.now() - 1, `dead-socket|${mover.userId}`);
    await redis.hincrby(`${presenceKey(group.id)}:users`, mover.userId, 1);
    await redis.sadd(`${app.env.REDIS_KEY_PREFIX}presence:groups`, String(group.id));
    const events = recordEvents(socket);
    // Redis decides the sweep (offline) first, then the join (online)...
    const swept = sweepGroups(ctx, [group.id]);
    const joined = addEntry(ctx, group.id, 'live-socket', mover.userId);
    const [gone, online] = await Promise.all([swept, joined]);
    const leave = gone.get(group.id)!;
    expect(leave.users).toEqual([mover.userId]);
    expect(online).toBeGreaterThan(leave.transition);
    // ...and the node hands them over in the other order (their replies came in one read,
    // and the join's continuation ran first): the later transition must stay the state.
    const lastSeen = new Date().toISOString();
    ctx.broadcast.presence(group.id, { userId: mover.userId, username: mover.username, online: true, lastSeen, seq: online });
    ctx.broadcast.presence(group.id, { userId: mover.userId, online: false, lastSeen, seq: leave.transition });
    await sleep(1500);
    const shown = events
      .filter((e) => e.event === 'presence:diff')
      .flatMap((e) => transitionsOf(e.payload as Parameters<typeof transitionsOf>[0]))
      .filter((t) => t.userId === mover.userId);
    expect(shown.at(-1)).toEqual({ userId: mover.userId, online: true });
  });

  it('when a live socket entry vanished (Redis stalled past the TTL), then the heartbeat restores it and announces the user online', async () => {
    const ana = await app.signedUpUser('ana');
    const ben = await app.signedUpUser('ben');
    const group = await createGroup(ana);
    await addMember(group, ben);
    const a = await connectSocket(app.url, ana.token);
    const b = await connectSocket(app.url, ben.token);
    await emitAck(a, 'room:join', { groupId: group.id });
    const online = waitForEvent(a, 'presence:diff', cameOnline(ben.userId), 5000);
    await emitAck(b, 'room:join', { groupId: group.id });
    await online; // the join's own diff (sent after the ack) is not the restore's
    const back = waitForEvent(a, 'presence:diff', cameOnline(ben.userId), 5000);
    // What the sweep does to an entry whose node stalled past the TTL: gone, and uncounted.
    await redis.zrem(presenceKey(group.id), `${b.id}|${ben.userId}`);
    await redis.hdel(`${presenceKey(group.id)}:users`, ben.userId);
    await back;
    expect(await redis.zscore(presenceKey(group.id), `${b.id}|${ben.userId}`)).not.toBeNull();
  });

  it('when a group is closed, then its room empties and its presence is dropped', async () => {
    const ana = await app.signedUpUser('ana');
    const group = await createGroup(ana);
    const a = await connectSocket(app.url, ana.token);
    await emitAck(a, 'room:join', { groupId: group.id });
    expect(await redis.zcard(presenceKey(group.id))).toBe(1);
    await group.update({ isActive: false });
    app.node.ctx.broadcast.closeGroup(group.id);
    await eventually(async () => expect(await redis.exists(presenceKey(group.id))).toBe(0));
    await eventually(async () => expect((await Grouping.findOne({ where: { groupId: group.id, userId: ana.userId } }))!.isConnected).toBe(false));
    expect(await emitAck(a, 'room:join', { groupId: group.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
  it("when joins of one room arrive together, then they share one round trip and one read of the members' timers, and each sees everyone who joined with it", async () => {
    const ctx = app.node.ctx;
    const group = await createGroup(await app.signedUpUser('host'));
    const users = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name) => app.signedUpUser(`batch-${name}`)));
    await Promise.all(users.map((u) => addMember(group, u)));
    const ids = users.map((u) => u.userId);
    await ctx.redis.set(
      `${app.env.REDIS_KEY_PREFIX}timer:${ids[4]}`,
      JSON.stringify({ startedAt: new Date().toISOString(), sessionUuid: 'batch-timer', mode: 'stopwatch', origin: 'rest' }),
    );
    // The timers' read, observed: how often the batch queued it.
    const read = timersRead(ctx, ids);
    let queued = 0;
    const observed = {
      queue: (pipeline: Parameters<typeof read.queue>[0]) => {
        queued += 1;
        read.queue(pipeline);
      },
      parse: read.parse,
    };
    // Five joins in one run of callbacks (as a reply resuming many joins): one batch.
    const joins = await Promise.all(ids.map((id, i) => addEntryAndRead(ctx, group.id, `batch-socket-${i}`, id, observed, ids)));
    expect(queued).toBe(1);
    for (const join of joins) {
      expect(join.transition).toBeGreaterThan(0);
      const { online, also } = join.reads();
      expect([...online].sort()).toEqual([...ids].sort());
      expect([...also.keys()]).toEqual([ids[4]]);
    }
    // A join in a later run of callbacks is a batch of its own, with its own read.
    await addEntryAndRead(ctx, group.id, 'batch-socket-late', ids[0]!, observed, ids);
    expect(queued).toBe(2);
  });
});
