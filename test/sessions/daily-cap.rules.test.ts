import { capDuration, capSessions } from '../../src/components/sessions/session.rules';

const H = 3600;
const CAP = 14 * H;

describe('daily cap rules', () => {
  it('when a session would take its day over the cap, then it is shortened to fit and marked daily_cap', () => {
    expect(capDuration({ durationSeconds: 2 * H, endReason: 'stopped' }, 13 * H, CAP)).toEqual({ durationSeconds: H, endReason: 'daily_cap' });
    expect(capDuration({ durationSeconds: H, endReason: 'disconnected' }, 13 * H, CAP)).toEqual({ durationSeconds: H, endReason: 'disconnected' });
    expect(capDuration({ durationSeconds: H, endReason: 'stopped' }, 15 * H, CAP)).toEqual({ durationSeconds: 0, endReason: 'daily_cap' });
  });

  // Pacific/Kiritimati is UTC+14: local midnight is 10:00 UTC the day before.
  it('when sessions straddle a local midnight in Pacific/Kiritimati (UTC+14), then each counts against the day it started on', () => {
    const tz = 'Pacific/Kiritimati';
    const out = capSessions(
      [
        { startedAt: '2026-03-01T20:00:00Z', durationSeconds: 10 * H, endReason: 'stopped' as const }, // 2 Mar 10:00 local
        { startedAt: '2026-03-02T09:00:00Z', durationSeconds: 6 * H, endReason: 'stopped' as const }, // 2 Mar 23:00 local, runs past midnight
        { startedAt: '2026-03-02T10:30:00Z', durationSeconds: 5 * H, endReason: 'stopped' as const }, // 3 Mar 00:30 local: a fresh day
      ],
      new Map(),
      tz,
      CAP,
    );
    expect(out.map((s) => [s.day, s.durationSeconds, s.endReason])).toEqual([
      ['2026-03-02', 10 * H, 'stopped'],
      ['2026-03-02', 4 * H, 'daily_cap'], // 10 + 4 = 14: the part past midnight is the day it started on
      ['2026-03-03', 5 * H, 'stopped'],
    ]);
  });

  // Pacific/Pago_Pago is UTC−11: local midnight is 11:00 UTC the same day.
  it('when sessions straddle a local midnight in Pacific/Pago_Pago (UTC−11), then the same UTC day splits into two local days', () => {
    const tz = 'Pacific/Pago_Pago';
    const out = capSessions(
      [
        { startedAt: '2026-03-02T10:00:00Z', durationSeconds: 3 * H, endReason: 'stopped' as const }, // 1 Mar 23:00 local
        { startedAt: '2026-03-02T11:30:00Z', durationSeconds: 12 * H, endReason: 'stopped' as const }, // 2 Mar 00:30 local
        { startedAt: '2026-03-02T23:00:00Z', durationSeconds: 3 * H, endReason: 'stopped' as const }, // 2 Mar 12:00 local
      ],
      new Map([['2026-03-01', 12 * H]]),
      tz,
      CAP,
    );
    expect(out.map((s) => [s.day, s.durationSeconds, s.endReason])).toEqual([
      ['2026-03-01', 2 * H, 'daily_cap'], // 12 stored + 2
      ['2026-03-02', 12 * H, 'stopped'],
      ['2026-03-02', 2 * H, 'daily_cap'],
    ]);
  });
});
