import type { ServerPayload } from '../../src/realtime/events';
import { eventually } from '../helpers/eventually';
import { connectSocket, emitAck, type ClientSocket } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { addMember, createGroup, type Member } from './fixtures';

type Diff = ServerPayload<'presence:diff'>;

/**
 * `presence:diff` coalesces a room's transitions: a room filling up at once is announced
 * in a few diffs per member (at most one per 200 ms from a node), not one per joiner.
 */
describe('presence:diff when a room fills at once', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('when 100 members join one room together, then each member gets a few diffs (not 100) and the diffs name everyone', async () => {
    const ana = await app.signedUpUser('ana');
    const group = await createGroup(ana, { visibility: 'private' });
    const users: Member[] = [];
    for (let i = 0; i < 10; i += 1) {
      users.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => app.signedUpUser(`u${i}x${j}`)))));
    }
    for (const u of users) await addMember(group, u);

    const observer = await connectSocket(app.url, ana.token);
    await emitAck(observer, 'room:join', { groupId: group.id });
    const sockets: ClientSocket[] = [];
    for (let i = 0; i < users.length; i += 20) {
      sockets.push(...(await Promise.all(users.slice(i, i + 20).map((u) => connectSocket(app.url, u.token)))));
    }

    // Every diff each socket receives, with the instant it arrived.
    const received = new Map<ClientSocket, Array<{ at: number; diff: Diff }>>();
    for (const s of [observer, ...sockets]) {
      const list: Array<{ at: number; diff: Diff }> = [];
      received.set(s, list);
      s.on('presence:diff', (diff) => {
        if (diff.groupId === group.id) list.push({ at: Date.now(), diff });
      });
    }

    // All 100 joins are sent at once.
    const acks = await Promise.all(sockets.map((s) => emitAck(s, 'room:join', { groupId: group.id }, 30_000)));
    expect(acks.every((a) => a.ok)).toBe(true);

    const everyone = new Set(users.map((u) => u.userId));
    const seenOnline = (s: ClientSocket): Set<string> => new Set(received.get(s)!.flatMap((r) => r.diff.joins.map((j) => j.userId)));
    // The observer, in the room before the storm, learns of every joiner through the diffs.
    await eventually(() => expect([...everyone].filter((id) => !seenOnline(observer).has(id))).toEqual([]));
    // Nobody left: no diff carries a leave.
    expect([...received.values()].flat().flatMap((r) => r.diff.leaves)).toEqual([]);

    for (const [s, list] of received) {
      // Far fewer diffs than joiners...
      expect(list.length).toBeLessThan(users.length / 4);
      // ...and never faster than one per 200 ms (50 ms of slack for delivery jitter).
      if (list.length > 1) {
        const spanMs = list[list.length - 1]!.at - list[0]!.at;
        expect(list.length).toBeLessThanOrEqual(1 + Math.ceil(spanMs / 150));
      }
      // A user is in at most one list of a diff, and once per list.
      for (const { diff } of list) expect(new Set(diff.joins.map((j) => j.userId)).size).toBe(diff.joins.length);
      if (s === observer) expect(list.length).toBeGreaterThan(0);
    }
    for (const s of [observer, ...sockets]) s.close();
  }, 60_000);
});
