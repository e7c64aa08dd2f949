import { runDrill } from '../../bench/drill';

/**
 * The short fault drill: 20 clients, 60 timer stops in flight when an API node is
 * SIGKILLed, a 3 s PostgreSQL outage, 3 s presence TTL, on a
 * private PostgreSQL and Redis (ports picked per run) that it starts and removes itself.
 * The full one is `npm run drill` (200 clients, 300 stops, 10 s outage).
 */
describe('fault drill (short)', () => {
  // About 115 s alone on this 2-core machine (starting private servers, a node restart, a
  // Redis restart, a PostgreSQL outage and a worker kill, each waited for); the suite runs
  // other files beside it, so the budget leaves room for that load.
  jest.setTimeout(300_000);

  it('when an API node (idle, then mid-stop), Redis, PostgreSQL and the worker fail in turn, then every invariant holds', async () => {
    const checks = await runDrill({ clients: 20, stopUsers: 60, groupSize: 10, pgDownSeconds: 3, presenceTtlSeconds: 3, log: () => undefined });
    const violated = checks.filter((c) => !c.ok).map((c) => `[${c.phase}] ${c.invariant}: ${c.detail ?? ''}`);
    expect(violated).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(17);
    expect(checks.filter((c) => c.phase === 'kill api mid-stop')).toHaveLength(2);
  });
});
