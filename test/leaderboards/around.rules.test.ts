import { aroundView, rankEntries } from '../../src/components/leaderboards/leaderboard.rules';

describe('aroundView (rank neighbours)', () => {
  // Ranks: a 1, b 2, c 2, d 2, e 5, f 6, g 7.
  const ranked = rankEntries(
    [
      ['a', 90],
      ['b', 50],
      ['c', 50],
      ['d', 50],
      ['e', 40],
      ['f', 30],
      ['g', 20],
    ].map(([u, s]) => ({ userId: u as string, username: u as string, totalSeconds: s as number })),
  );
  const names = (v: { entries: Array<{ userId: string; rank: number }> }) => v.entries.map((e) => `${e.userId}${e.rank}`);

  it('when the caller is first, then the window starts at the top and holds radius entries below', () => {
    const v = aroundView(ranked, 2, 'a');
    expect(names(v)).toEqual(['a1', 'b2', 'c2']);
    expect(v.me).toEqual({ rank: 1, totalSeconds: 90 });
  });

  it('when the caller is last, then the window ends at the bottom', () => {
    expect(names(aroundView(ranked, 2, 'g'))).toEqual(['e5', 'f6', 'g7']);
  });

  it('when the caller is inside a tie, then neighbours follow the board order and keep their shared rank', () => {
    const v = aroundView(ranked, 1, 'c');
    expect(names(v)).toEqual(['b2', 'c2', 'd2']);
    expect(v.me).toEqual({ rank: 2, totalSeconds: 50 });
    expect(names(aroundView(ranked, 10, 'c'))).toHaveLength(7);
  });

  it('when the caller has no time, then the last radius entries and me null', () => {
    expect(aroundView(ranked, 2, 'z')).toEqual({ entries: ranked.slice(5), me: null });
    expect(aroundView([], 2, 'z')).toEqual({ entries: [], me: null });
  });
});
