import {
  activeMsForFocus,
  focusMsAt,
  nextTickAt,
  pauseTimer,
  pomodoroPhase,
  resumeTimer,
  sessionFromTimer,
  storedTimer,
  toTimerDto,
  type StoredTimer,
} from '../../src/components/timers/timer.rules';

/** An injected clock: instants are ms after the timer's start. */
const T0 = Date.parse('2026-03-01T08:00:00.000Z');
const at = (seconds: number): number => T0 + seconds * 1000;
const MIN = 60_000;
const started = '2026-03-01T08:00:00.000Z';
const settings = { focusMinutes: 25, breakMinutes: 5, longBreakMinutes: 15, cyclesBeforeLongBreak: 4 };
const pomodoro = (extra: Partial<StoredTimer> = {}): StoredTimer =>
  storedTimer({ startedAt: started, groupId: 1, sessionUuid: 'p-1', mode: 'pomodoro', pomodoro: settings, ...extra });

describe('timer rules: pause and resume', () => {
  it('when a stopwatch is paused and resumed, then the paused time is not counted and the session splits raw, paused and focus', () => {
    let timer = storedTimer({ startedAt: started, groupId: null, sessionUuid: 's-1' });
    timer = pauseTimer(timer, at(600))!; // 10 min of focus
    expect(pauseTimer(timer, at(610))).toBeNull(); // already paused
    expect(toTimerDto(timer, at(900))).toMatchObject({ state: 'paused', focusSeconds: 600, pausedSeconds: 300, phaseEndsAt: null, cycle: null });
    timer = resumeTimer(timer, at(900))!;
    expect(resumeTimer(timer, at(910))).toBeNull(); // not paused
    expect(toTimerDto(timer, at(1200))).toMatchObject({ state: 'focus', focusSeconds: 900, pausedSeconds: 300 });
    // A second pause adds up.
    timer = resumeTimer(pauseTimer(timer, at(1200))!, at(1260))!;
    const { session } = sessionFromTimer(timer, new Date(at(1800)), { minSeconds: 1 });
    expect(session).toMatchObject({ rawSeconds: 1800, pausedSeconds: 360, durationSeconds: 1440, mode: 'stopwatch', endReason: 'stopped' });
  });

  it('when stopped while paused, then the pause up to the stop counts as paused', () => {
    const timer = pauseTimer(storedTimer({ startedAt: started, groupId: null, sessionUuid: 's-2' }), at(100))!;
    expect(sessionFromTimer(timer, new Date(at(400)), { minSeconds: 1 }).session).toMatchObject({ rawSeconds: 400, pausedSeconds: 300, durationSeconds: 100 });
  });
});

describe('timer rules: Pomodoro phases', () => {
  it('when time passes, then focus, break, … and a long break after the fourth focus follow, and only focus counts', () => {
    const seq: Array<[number, string, number, number]> = [];
    // Every phase start in active minutes: 0 F1, 25 B1, 30 F2, 55 B2, 60 F3, 85 B3, 90 F4, 115 LB, 130 F5.
    for (const minute of [0, 25, 30, 55, 60, 85, 90, 115, 130, 155]) {
      const p = pomodoroPhase(settings, MIN, minute * MIN);
      seq.push([minute, p.state, p.cycle, p.index]);
    }
    expect(seq).toEqual([
      [0, 'focus', 1, 0],
      [25, 'break', 1, 1],
      [30, 'focus', 2, 2],
      [55, 'break', 2, 3],
      [60, 'focus', 3, 4],
      [85, 'break', 3, 5],
      [90, 'focus', 4, 6],
      [115, 'break', 4, 7], // the long break
      [130, 'focus', 5, 8],
      [155, 'break', 5, 9],
    ]);
    expect(pomodoroPhase(settings, MIN, 115 * MIN).endsAtActiveMs).toBe(130 * MIN); // 15 minutes long
    expect(pomodoroPhase(settings, MIN, 120 * MIN).focusMs).toBe(100 * MIN); // 4 × 25, the break not counted
    expect(pomodoroPhase(settings, MIN, 140 * MIN).focusMs).toBe(110 * MIN);
  });

  it('when the clock is read at any instant, then focus time and the phase end match the sequence', () => {
    const timer = pomodoro();
    expect(toTimerDto(timer, at(26 * 60))).toMatchObject({
      state: 'break',
      cycle: 1,
      focusSeconds: 25 * 60,
      phaseEndsAt: new Date(at(30 * 60)).toISOString(),
      pomodoro: settings,
    });
    expect(focusMsAt(timer, at(45 * 60))).toBe(40 * MIN);
    expect(nextTickAt(timer, at(45 * 60))).toBe(at(55 * 60));
  });

  it('when paused during a break, then the break is frozen and resumes where it was; paused time and break never count', () => {
    let timer = pomodoro();
    timer = pauseTimer(timer, at(27 * 60))!; // 2 minutes into the first break
    const paused = toTimerDto(timer, at(40 * 60));
    expect(paused).toMatchObject({ state: 'paused', cycle: 1, focusSeconds: 25 * 60, pausedSeconds: 13 * 60 });
    // If resumed now, 3 minutes of break remain.
    expect(paused.phaseEndsAt).toBe(new Date(at(43 * 60)).toISOString());
    expect(nextTickAt(timer, at(40 * 60))).toBeNull();
    timer = resumeTimer(timer, at(40 * 60))!;
    expect(toTimerDto(timer, at(42 * 60))).toMatchObject({ state: 'break', cycle: 1, focusSeconds: 25 * 60 });
    expect(toTimerDto(timer, at(43 * 60))).toMatchObject({ state: 'focus', cycle: 2, focusSeconds: 25 * 60 });
    expect(nextTickAt(timer, at(40 * 60))).toBe(at(43 * 60));
    const { session } = sessionFromTimer(timer, new Date(at(53 * 60)), { minSeconds: 1 });
    expect(session).toMatchObject({ mode: 'pomodoro', rawSeconds: 53 * 60, pausedSeconds: 13 * 60, durationSeconds: 35 * 60 });
  });

  it('when paused during a focus, then the focus phase ends later by the pause', () => {
    const timer = resumeTimer(pauseTimer(pomodoro(), at(10 * 60))!, at(20 * 60))!;
    expect(toTimerDto(timer, at(30 * 60))).toMatchObject({ state: 'focus', cycle: 1, focusSeconds: 20 * 60, phaseEndsAt: new Date(at(35 * 60)).toISOString() });
  });

  it('when asked when a focus total is reached, then the breaks in between are skipped', () => {
    const timer = pomodoro();
    expect(activeMsForFocus(timer, 25 * MIN)).toBe(25 * MIN);
    expect(activeMsForFocus(timer, 30 * MIN)).toBe(35 * MIN); // after the 5-minute break
    expect(activeMsForFocus(timer, 100 * MIN)).toBe(115 * MIN);
    expect(activeMsForFocus(timer, 101 * MIN)).toBe(131 * MIN); // after the long break
    for (const f of [1, 24, 26, 50, 77, 99, 150, 333]) expect(pomodoroPhase(settings, MIN, activeMsForFocus(timer, f * MIN)).focusMs).toBe(f * MIN);
  });

  it('when a daily cap allowance is set, then the next tick is the earlier of the phase end and the cap', () => {
    const timer = pomodoro({ capFocusMs: 10 * MIN });
    expect(nextTickAt(timer, at(0))).toBe(at(10 * 60));
    const stopwatch = storedTimer({ startedAt: started, groupId: null, sessionUuid: 's-3', capFocusMs: 60 * MIN });
    expect(nextTickAt(stopwatch, at(600))).toBe(at(3600));
    expect(nextTickAt(storedTimer({ startedAt: started, groupId: null, sessionUuid: 's-4' }), at(0))).toBeNull();
  });
});
