import { createKeyedCoalescer } from '../../src/realtime/coalesce';
import { createPresenceCoalescer, type PresenceDiff } from '../../src/realtime/presence-diff';

/** The keyed coalescer behind `presence:diff` and `group:activity`: leading edge, then one trailing send per window. */
describe('createKeyedCoalescer', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  const latest = (sent: Array<[number, string]>) =>
    createKeyedCoalescer<number, string, string>({
      merge: (pending, at) => (pending === undefined || at > pending ? at : pending),
      send: (key, value) => sent.push([key, value]),
      windowMs: 2000,
      now: () => Date.now(),
    });

  it('when 20 updates come within a window, then the first goes out at once and one trailing send carries the latest', () => {
    const sent: Array<[number, string]> = [];
    const c = latest(sent);
    c.add(1, 'a00');
    jest.advanceTimersByTime(0);
    expect(sent).toEqual([[1, 'a00']]);
    for (let i = 1; i < 20; i += 1) {
      jest.advanceTimersByTime(10);
      c.add(1, `a${String(i).padStart(2, '0')}`);
    }
    jest.advanceTimersByTime(1000);
    expect(sent).toHaveLength(1);
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual([
      [1, 'a00'],
      [1, 'a19'],
    ]);
    // Quiet afterwards: nothing more; keys are independent.
    c.add(2, 'b');
    jest.advanceTimersByTime(5000);
    expect(sent).toEqual([
      [1, 'a00'],
      [1, 'a19'],
      [2, 'b'],
    ]);
  });

  it('when a pending value is not worth sending, then it is dropped and does not start a window', () => {
    const sent: number[] = [];
    const c = createKeyedCoalescer<number, number, number>({
      merge: (pending, n) => (pending ?? 0) + n,
      worthSending: (sum) => sum !== 0,
      send: (_key, sum) => sent.push(sum),
      windowMs: 200,
      now: () => Date.now(),
    });
    c.add(1, 1);
    c.add(1, -1);
    jest.advanceTimersByTime(0);
    c.add(1, 5);
    jest.advanceTimersByTime(0);
    expect(sent).toEqual([5]);
    c.add(1, 2);
    c.close();
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual([5]);
  });
  it('when a key stays busy, then its window doubles after each back-to-back send up to maxWindowMs, and a quiet spell brings it back', () => {
    const times: number[] = [];
    const c = createKeyedCoalescer<number, number, number>({
      merge: (_pending, n) => n,
      send: () => times.push(Date.now()),
      windowMs: 200,
      maxWindowMs: 1000,
      now: () => Date.now(),
    });
    // An update every 50 ms for 4 s: sends at 0 (leading edge), then windows of 200, 400, 800, 1000, 1000…
    for (let t = 0; t < 4000; t += 50) {
      c.add(1, t);
      jest.advanceTimersByTime(50);
    }
    jest.advanceTimersByTime(1000);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.slice(0, 4)).toEqual([200, 400, 800, 1000]);
    expect(gaps.every((g) => g >= 200 && g <= 1000)).toBe(true);
    expect(times.length).toBeLessThanOrEqual(8);
    // Quiet for more than two windows: the next update goes out at once, the one after within 200 ms.
    jest.advanceTimersByTime(5000);
    const before = times.length;
    const quietAt = Date.now();
    c.add(1, 1);
    jest.advanceTimersByTime(0);
    c.add(1, 2);
    jest.advanceTimersByTime(200);
    expect(times.slice(before)).toEqual([quietAt, quietAt + 200]);
  });
});

/** `presence:diff` under late replies: a user's transitions go out in the order Redis numbered them. */
describe('createPresenceCoalescer ordering', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('when an older transition arrives after a newer one, in the same window or the next, then it is dropped; another user or an old memory is not affected', () => {
    const sent: PresenceDiff[] = [];
    const c = createPresenceCoalescer(
      (d) => sent.push(d),
      200,
      () => Date.now(),
    );
    const at = '2026-11-26T00:00:00.000Z';
    c.add(7, { userId: 'u1', username: 'u1', online: true, lastSeen: at, seq: 5 });
    c.add(7, { userId: 'u1', online: false, lastSeen: at, seq: 4 }); // same window
    jest.advanceTimersByTime(0);
    c.add(7, { userId: 'u1', online: false, lastSeen: at, seq: 3 }); // the next window
    c.add(7, { userId: 'u2', online: false, lastSeen: at, seq: 2 }); // another user: numbers are per user here
    jest.advanceTimersByTime(1000);
    expect(sent.map((d) => [d.joins.map((j) => j.userId), d.leaves.map((l) => l.userId)])).toEqual([
      [['u1'], []],
      [[], ['u2']],
    ]);
    // Numbering restarted (Redis wiped) long after: transitions count again.
    jest.advanceTimersByTime(60_000);
    c.add(7, { userId: 'u1', online: false, lastSeen: at, seq: 1 });
    jest.advanceTimersByTime(1000);
    expect(sent.at(-1)).toEqual({ groupId: 7, joins: [], leaves: [{ userId: 'u1', lastSeen: at }] });
  });
});
