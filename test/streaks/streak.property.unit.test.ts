import fc from 'fast-check';
import {
  addDays,
  applyStudyDay,
  computeStreak,
  EMPTY_STREAK,
  incrementalStreak,
  localDate,
  type StoredStreak,
  type StreakState,
  walkStreak,
} from '../../src/components/streaks/streak.rules';

/**
 * Property tests of the streak rules (issues 13 and 16), pure: no database. At least
 * 1,000 generated cases each (fast-check's `numRuns`).
 */
const RUNS = 1000;

/** Studied days: offsets from a base day, dense enough for long runs, gaps of 1–3 and longer ones. */
const dayOffsets = fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 0, maxLength: 60 });
const BASE_DAY = '2026-02-20';

describe('streak freeze rule (property)', () => {
  it('is order-independent: any arrival order and duplicates give the same streak', () => {
    fc.assert(
      fc.property(
        dayOffsets.chain((offsets) => fc.tuple(fc.constant(offsets), fc.shuffledSubarray([...offsets, ...offsets], { minLength: offsets.length * 2 }))),
        fc.integer({ min: 0, max: 70 }),
        ([offsets, shuffled], todayOffset) => {
          const today = addDays(BASE_DAY, todayOffset);
          const a = computeStreak(
            offsets.map((o) => addDays(BASE_DAY, o)),
            today,
          );
          const b = computeStreak(
            shuffled.map((o) => addDays(BASE_DAY, o)),
            today,
          );
          expect(b).toEqual(a);
          expect(a.freezesAvailable).toBeGreaterThanOrEqual(0);
          expect(a.freezesAvailable).toBeLessThanOrEqual(2);
          expect(a.longestStreak).toBeGreaterThanOrEqual(a.currentStreak);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('stored == recomputed: folding days as they arrive (recomputing on out-of-order ones) equals the recomputation from all days', () => {
    fc.assert(
      fc.property(
        dayOffsets.chain((offsets) => fc.shuffledSubarray(offsets, { minLength: offsets.length })),
        (arrival) => {
          let stored: StreakState = EMPTY_STREAK;
          const seen: string[] = [];
          for (const o of arrival) {
            const day = addDays(BASE_DAY, o);
            seen.push(day);
            stored = applyStudyDay(stored, day) ?? walkStreak(seen).state;
            expect(stored).toEqual(walkStreak(seen).state);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** Zones with DST changes inside the windows below, far east/west, and odd offsets. */
const ZONES = [
  'UTC',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'America/New_York',
  'America/Los_Angeles',
  'Europe/London',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'Australia/Sydney',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Pacific/Chatham',
];
/** Windows around 2026's DST changes (US 03-08 and 11-01, EU 03-29 and 10-25, AU 04-05 and 10-04). */
const WINDOWS = [Date.parse('2026-02-25T00:00:00Z'), Date.parse('2026-09-25T00:00:00Z')];
const HOUR = 3_600_000;

/**
 * One session: `hours` into the window, `direct` (with the case's import odds: written
 * straight into study_sessions, the streak row not told), `sameBatch` (in the same
 * worker batch as the previous one).
 */
const arrivalArb = fc.record({ hours: fc.integer({ min: 0, max: 45 * 24 }), direct: fc.boolean(), sameBatch: fc.boolean() });

describe('incremental streaks == recomputation (property)', () => {
  it('over random session sets, time zones (DST, far east/west), time-zone changes, batches, imports and arrival orders', () => {
    let incrementalSteps = 0;
    let steps = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...WINDOWS),
        fc.array(fc.record({ arrival: arrivalArb, zone: fc.constantFrom(...ZONES), zoneChange: fc.integer({ min: 0, max: 39 }) }), { maxLength: 50 }),
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 9 }),
        fc.boolean(),
        (window, generated, firstZone, importOdds, inOrder) => {
          // Half the cases arrive in time order (the common case: the incremental path), half shuffled.
          const items = inOrder ? [...generated].sort((a, b) => a.arrival.hours - b.arrival.hours) : generated;
          // The simulated database: sessions with serial ids, the streak row, the user's zone.
          const sessions: Array<{ id: number; startedAt: Date }> = [];
          let row: StoredStreak | null = null;
          let zone = firstZone;
          let nextId = 1;
          let batch: Array<{ id: number; startedAt: Date }> = [];
          const all = (tz: string): string[] => sessions.map((s) => localDate(s.startedAt, tz));
          // recomputeStreak for one user's batch: incremental when the guard allows, else full.
          const flush = (): void => {
            if (batch.length === 0) return;
            const ids = new Set(batch.map((s) => s.id));
            const others = sessions.filter((s) => !ids.has(s.id)).map((s) => s.id);
            const incremental = incrementalStreak(row, {
              timeZone: zone,
              newestOtherSessionId: others.length ? Math.max(...others) : null,
              days: batch.map((s) => localDate(s.startedAt, zone)),
            });
            steps += 1;
            if (incremental) incrementalSteps += 1;
            const next = incremental ?? walkStreak(all(zone)).state;
            row = { ...next, timeZone: zone, lastSessionId: Math.max(...sessions.map((s) => s.id)) };
            expect(next).toEqual(walkStreak(all(zone)).state);
            batch = [];
          };
          for (const { arrival, zone: z, zoneChange } of items) {
            if (zoneChange === 0) zone = z; // the user changes their time zone now and then
            const session = { id: nextId++, startedAt: new Date(window + arrival.hours * HOUR) };
            const imported = arrival.direct && importOdds === 0; // an import: the row is not told
            if (!imported && !arrival.sameBatch) flush();
            sessions.push(session);
            if (!imported) batch.push(session);
          }
          flush();
        },
      ),
      { numRuns: RUNS },
    );
    expect(steps).toBeGreaterThan(RUNS);
    // The incremental path is really exercised (not everything fell back to the recomputation).
    expect(incrementalSteps).toBeGreaterThan(steps / 3);
  });
});
