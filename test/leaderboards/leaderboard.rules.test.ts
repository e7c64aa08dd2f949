import { boardView, periodBounds, rankEntries } from '../../src/components/leaderboards/leaderboard.rules';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

describe('periodBounds', () => {
  // 2026-03-15 is a Sunday, 2026-03-16 a Monday.
  it('when it is Sunday 23:59:59 UTC, then the week began the previous Monday; at Monday 00:00 a new week begins', () => {
    expect(iso(periodBounds('week', new Date('2026-03-15T23:59:59Z')).from)).toBe('2026-03-09T00:00:00.000Z');
    expect(iso(periodBounds('week', new Date('2026-03-16T00:00:00Z')).from)).toBe('2026-03-16T00:00:00.000Z');
    expect(periodBounds('week', new Date('2026-03-16T00:00:00Z')).periodKey).toBe('2026-03-16');
  });

  it('when it is the last second of a month vs the first of the next, then month starts on the 1st 00:00 UTC', () => {
    expect(iso(periodBounds('month', new Date('2026-03-31T23:59:59Z')).from)).toBe('2026-03-01T00:00:00.000Z');
    expect(iso(periodBounds('month', new Date('2026-04-01T00:00:00Z')).from)).toBe('2026-04-01T00:00:00.000Z');
  });

  it('when asked for 7d, then it spans today and the six UTC days before it', () => {
    const b = periodBounds('7d', new Date('2026-03-16T12:00:00Z'));
    expect(iso(b.from)).toBe('2026-03-10T00:00:00.000Z');
    expect(iso(b.to)).toBe('2026-03-16T12:00:00.000Z');
    expect(b.periodKey).toBe('2026-03-10');
  });

  it('when asked for all, then from is null and the key is stable', () => {
    const b = periodBounds('all', new Date('2026-03-16T12:00:00Z'));
    expect(b.from).toBeNull();
    expect(b.periodKey).toBe('all');
    expect(b.ttlSeconds).toBeNull();
  });
});

describe('rankEntries', () => {
  it('when totals tie, then they share a rank ordered by username and the next rank skips (1, 1, 3)', () => {
    const ranked = rankEntries([
      { userId: 'u3', username: 'carol', totalSeconds: 50 },
      { userId: 'u2', username: 'bob', totalSeconds: 100 },
      { userId: 'u1', username: 'alice', totalSeconds: 100 },
      { userId: 'u4', username: 'dave', totalSeconds: 0 },
    ]);
    expect(ranked.map((e) => [e.rank, e.username])).toEqual([
      [1, 'alice'],
      [1, 'bob'],
      [3, 'carol'],
    ]);
  });

  it('when the caller is outside the top N, then me still carries their rank; without time me is null', () => {
    const ranked = rankEntries([
      { userId: 'a', username: 'a', totalSeconds: 30 },
      { userId: 'b', username: 'b', totalSeconds: 20 },
      { userId: 'c', username: 'c', totalSeconds: 10 },
    ]);
    expect(boardView(ranked, 1, 'c')).toEqual({ top: [ranked[0]], me: { rank: 3, totalSeconds: 10 } });
    expect(boardView(ranked, 1, 'z').me).toBeNull();
  });
});
