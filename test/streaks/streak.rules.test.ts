import {
  addDays,
  applyStudyDay,
  computeStreak,
  EMPTY_STREAK,
  effectiveCurrentStreak,
  effectiveStreak,
  localDate,
  walkStreak,
} from '../../src/components/streaks/streak.rules';

describe('computeStreak', () => {
  it('when days are consecutive up to today, then the current and longest runs are their count', () => {
    expect(computeStreak(['2026-03-01', '2026-03-02', '2026-03-03'], '2026-03-03')).toEqual({
      currentStreak: 3,
      longestStreak: 3,
      lastActiveDate: '2026-03-03',
      streakStartDate: '2026-03-01',
      freezesAvailable: 0,
      current: 3,
    });
  });

  it('when there is a gap, then the current run starts after it and the longest is kept', () => {
    const s = computeStreak(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-05', '2026-03-06'], '2026-03-06');
    expect(s).toMatchObject({ currentStreak: 2, longestStreak: 3, streakStartDate: '2026-03-05', current: 2 });
  });

  it('when the last study day is yesterday, then the streak still counts; before yesterday, it reads 0', () => {
    const days = ['2026-03-01', '2026-03-02'];
    expect(computeStreak(days, '2026-03-03').current).toBe(2);
    expect(computeStreak(days, '2026-03-04').current).toBe(0);
    expect(computeStreak(days, '2026-03-04').longestStreak).toBe(2);
    expect(effectiveCurrentStreak(2, '2026-03-02', 'UTC', new Date('2026-03-03T23:59:59Z'))).toBe(2);
    expect(effectiveCurrentStreak(2, '2026-03-02', 'UTC', new Date('2026-03-04T00:00:00Z'))).toBe(0);
  });

  it('when days arrive out of order and repeated, then the result is the same', () => {
    const ordered = computeStreak(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-03'], '2026-03-03');
    const shuffled = computeStreak(['2026-03-03', '2026-03-01', '2026-02-27', '2026-03-01', '2026-02-28'], '2026-03-03');
    expect(shuffled).toEqual(ordered);
    expect(ordered).toMatchObject({ currentStreak: 1, longestStreak: 3 });
  });

  it('when there are no days, then everything is 0 and null', () => {
    expect(computeStreak([], '2026-03-03')).toEqual({
      currentStreak: 0,
      longestStreak: 0,
      lastActiveDate: null,
      streakStartDate: null,
      freezesAvailable: 0,
      current: 0,
    });
  });

  it('when runs cross month and leap-year ends, then calendar arithmetic holds', () => {
    expect(computeStreak(['2028-02-28', '2028-02-29', '2028-03-01'], '2028-03-01').currentStreak).toBe(3);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

/** `n` consecutive days from `start`. */
const run = (start: string, n: number): string[] => Array.from({ length: n }, (_, i) => addDays(start, i));

describe('streak freezes', () => {
  it('when the 7th consecutive day is studied, then a freeze is earned (not before)', () => {
    expect(walkStreak(run('2026-03-01', 6)).state.freezesAvailable).toBe(0);
    expect(walkStreak(run('2026-03-01', 7)).state).toMatchObject({ currentStreak: 7, freezesAvailable: 1 });
    expect(walkStreak(run('2026-03-01', 13)).state.freezesAvailable).toBe(1);
    expect(walkStreak(run('2026-03-01', 14)).state.freezesAvailable).toBe(2);
  });

  it('when a third freeze would be earned, then at most 2 are held', () => {
    expect(walkStreak(run('2026-03-01', 21)).state).toMatchObject({ currentStreak: 21, freezesAvailable: 2 });
    expect(walkStreak(run('2026-03-01', 70)).state.freezesAvailable).toBe(2);
  });

  it('when one day is missed with a freeze held, then it is bridged: the streak continues without counting it', () => {
    const days = [...run('2026-03-01', 7), ...run('2026-03-09', 2)]; // 2026-03-08 missed
    const { state, bridged } = walkStreak(days);
    expect(state).toEqual({ currentStreak: 9, longestStreak: 9, lastActiveDate: '2026-03-10', streakStartDate: '2026-03-01', freezesAvailable: 0 });
    expect(bridged).toEqual(['2026-03-08']);
  });

  it('when one day is missed with no freeze held, then the streak restarts', () => {
    const { state, bridged } = walkStreak([...run('2026-03-01', 6), '2026-03-08']);
    expect(state).toMatchObject({ currentStreak: 1, longestStreak: 6, streakStartDate: '2026-03-08', freezesAvailable: 0 });
    expect(bridged).toEqual([]);
  });

  it('when 2 days are missed with 2 freezes held, then both are used; a 3-day gap is never bridged (at most 2 held) and keeps the freezes', () => {
    const two = walkStreak([...run('2026-03-01', 14), '2026-03-17']);
    expect(two.state).toMatchObject({ currentStreak: 15, freezesAvailable: 0 });
    expect(two.bridged).toEqual(['2026-03-15', '2026-03-16']);
    const three = walkStreak([...run('2026-03-01', 14), '2026-03-18']);
    expect(three.state).toMatchObject({ currentStreak: 1, longestStreak: 14, streakStartDate: '2026-03-18', freezesAvailable: 2 });
    expect(three.bridged).toEqual([]);
  });

  it('when a bridge is followed by more days, then earning counts studied days of the streak (day 14 after a bridge)', () => {
    // 7 days (+1), 1 missed (-1), 7 more: studied day 14 of the streak earns again.
    const { state } = walkStreak([...run('2026-03-01', 7), ...run('2026-03-09', 7)]);
    expect(state).toMatchObject({ currentStreak: 14, freezesAvailable: 1 });
  });

  it('when today is read, then today not yet studied never breaks the streak and missed days up to yesterday use freezes', () => {
    const state = walkStreak(run('2026-03-01', 14)).state; // last 2026-03-14, 2 freezes
    expect(effectiveStreak(state, '2026-03-15')).toEqual({ current: 14, freezesAvailable: 2, pending: [] });
    expect(effectiveStreak(state, '2026-03-16')).toEqual({ current: 14, freezesAvailable: 1, pending: ['2026-03-15'] });
    expect(effectiveStreak(state, '2026-03-17')).toEqual({ current: 14, freezesAvailable: 0, pending: ['2026-03-15', '2026-03-16'] });
    expect(effectiveStreak(state, '2026-03-18')).toEqual({ current: 0, freezesAvailable: 2, pending: [] });
    expect(effectiveCurrentStreak(14, '2026-03-14', 'UTC', new Date('2026-03-17T12:00:00Z'), 2)).toBe(14);
    expect(effectiveCurrentStreak(14, '2026-03-14', 'UTC', new Date('2026-03-17T12:00:00Z'), 1)).toBe(0);
  });

  it('when a day arrives before the last studied day, then the incremental step refuses it; the same day is a no-op', () => {
    const state = walkStreak(run('2026-03-01', 3)).state;
    expect(applyStudyDay(state, '2026-03-02')).toBeNull();
    expect(applyStudyDay(state, '2026-03-03')).toBe(state);
    expect(applyStudyDay(EMPTY_STREAK, '2026-03-03')).toMatchObject({ currentStreak: 1, lastActiveDate: '2026-03-03' });
  });
});

describe('localDate', () => {
  it('when the same UTC instants are seen from Kiritimati (UTC+14) and Pago Pago (UTC-11), then the local days differ', () => {
    const a = new Date('2026-03-10T09:30:00Z');
    expect(localDate(a, 'Pacific/Kiritimati')).toBe('2026-03-10');
    expect(localDate(a, 'Pacific/Pago_Pago')).toBe('2026-03-09');
    const b = new Date('2026-03-10T10:30:00Z');
    expect(localDate(b, 'Pacific/Kiritimati')).toBe('2026-03-11');
    expect(localDate(b, 'Pacific/Pago_Pago')).toBe('2026-03-09');
  });

  it('when New York changes to and from daylight time, then local midnight follows the offset', () => {
    // 2026-03-08: EST (-5) until 02:00 local; 2026-11-01: EDT (-4) until 02:00 local.
    expect(localDate(new Date('2026-03-08T04:59:59Z'), 'America/New_York')).toBe('2026-03-07');
    expect(localDate(new Date('2026-03-08T05:00:00Z'), 'America/New_York')).toBe('2026-03-08');
    expect(localDate(new Date('2026-03-09T03:59:59Z'), 'America/New_York')).toBe('2026-03-08');
    expect(localDate(new Date('2026-03-09T04:00:00Z'), 'America/New_York')).toBe('2026-03-09');
    expect(localDate(new Date('2026-11-02T04:59:59Z'), 'America/New_York')).toBe('2026-11-01');
    expect(localDate(new Date('2026-11-02T05:00:00Z'), 'America/New_York')).toBe('2026-11-02');
  });
});
