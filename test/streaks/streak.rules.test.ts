import { addDays, computeStreak, effectiveCurrentStreak, localDate } from '../../src/components/streaks/streak.rules';

describe('computeStreak', () => {
  it('when days are consecutive up to today, then the current and longest runs are their count', () => {
    expect(computeStreak(['2026-03-01', '2026-03-02', '2026-03-03'], '2026-03-03')).toEqual({
      currentStreak: 3,
      longestStreak: 3,
      lastActiveDate: '2026-03-03',
      streakStartDate: '2026-03-01',
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
    expect(computeStreak([], '2026-03-03')).toEqual({ currentStreak: 0, longestStreak: 0, lastActiveDate: null, streakStartDate: null, current: 0 });
  });

  it('when runs cross month and leap-year ends, then calendar arithmetic holds', () => {
    expect(computeStreak(['2028-02-28', '2028-02-29', '2028-03-01'], '2028-03-01').currentStreak).toBe(3);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
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
