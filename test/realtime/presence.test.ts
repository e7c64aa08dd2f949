import { Redis } from 'ioredis';
import { Grouping } from '../../src/db/models';
import { eventually } from '../helpers/eventually';
import { connectSocket, emitAck, waitForEvent } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { addMember, cameOnline, createGroup, wentOffline } from './fixtures';

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
});
