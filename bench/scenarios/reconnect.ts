import { checksFor } from '../lib/checks';
import { ratio, round, stopClients, type BenchEnv, type Row, type ScenarioResult } from '../lib/harness';
import { nowUs } from '../lib/hist';
import { sleep, startApi, startBare, type Proc } from '../lib/procs';
import { connectAll, members, seed } from './realtime';

/**
 * The scenario's PRESENCE_TTL_SECONDS (default 60): short, so a killed node's presence
 * entries must be gone within seconds and the run stays short; long enough that a client
 * reconnecting at Socket.IO's pace (first retry after 0.5–1.5 s) usually comes back
 * before its old entry expires.
 */
export const RECONNECT_PRESENCE_TTL_S = 10;
/** One in this many of the killed node's clients does not come back (a closed laptop). */
const GONE_EVERY = 20;

/** Nearest-rank percentile of `values` (Infinity for clients that never came back). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface StormSide {
  sockets: number;
  joined: number;
  setupS: number;
  movers: number;
  gone: number;
  rejoined: number;
  attempts: number;
  errors: Record<string, number>;
  droppedOnSurvivor: number;
  secondsToRejoin: { p50: number; p95: number; p99: number; max: number };
  /** Seconds from the kill until the last mover was back (or the deadline). */
  stormS: number;
  verdict?: {
    wrong: number;
    kinds: Record<string, number>;
    examples: string[];
    rooms: number;
    invalidObservers: number;
    /** Joins and leaves that do not pair up (not a wrong display; see bench/client.ts). */
    unpaired: Record<string, number>;
    events: number;
    gone: number;
    checkedAtS: number;
  };
}

/**
 * 4. Reconnect storm: 100 rooms of 100, half of every room on node A and half on node B
 * (5,000 joined sockets each); B is SIGKILLed. Its clients reconnect to A — as a load
 * balancer would send them, with Socket.IO's own backoff — and re-join their room; one
 * in 20 does not come back. Measured: seconds from the kill to "re-joined with room
 * state" (the `room:join` ack) for every client that comes back; then, once the storm is
 * over and at least PRESENCE_TTL + one sweep period + 2 s after the kill, presence as
 * one member per room on A sees it (a fresh room state, and the baseline + every
 * `presence:update` / `presence:diff` it received) against which sockets are really
 * connected: every user present exactly once, the gone ones offline. The bare pair
 * (same adapter) takes the same storm for the floor (client backoff and handshakes).
 */
export async function reconnect(env: BenchEnv): Promise<ScenarioResult> {
  const groupSize = 100;
  const roomCount = Math.max(2, Math.round(100 * env.scale));
  const users = roomCount * groupSize;
  await seed(env, users, groupSize);
  const full = env.scale >= 1;
  const setupBudgetMs = full ? 150_000 : 60_000;
  const stormDeadlineMs = full ? 120_000 : 60_000;
  const ttl = RECONNECT_PRESENCE_TTL_S;
  const notes: string[] = [];

  const runSide = async (bare: boolean): Promise<StormSide> => {
    const start = (): Promise<Proc> =>
      bare ? startBare('io-redis', { REDIS_URL: env.redisUrl }) : startApi({ ...env.nodeEnv, PRESENCE_TTL_SECONDS: String(ttl) });
    const [a, b] = await Promise.all([start(), start()]);
    const t0 = Date.now();
    const conn = await connectAll(env, members(users, groupSize, [a!.url, b!.url]), 4, !bare, setupBudgetMs);
    const setupS = round((Date.now() - t0) / 1000, 1);
    const who = bare ? 'bare' : 'API';
    env.log(`  reconnect ${who}: ${conn.joined}/${users} joined in ${setupS} s`);
    if (conn.joined < users) notes.push(`${who}: ${conn.joined} of ${users} sockets joined within the ${setupBudgetMs / 1000} s setup budget`);
    // Let the last joins' presence announcements arrive before the observers take their baseline.
    await sleep(2000);
    const armed = await Promise.all(
      conn.clients.map((c) => c.call('storm-arm', { fromUrl: b!.url, toUrl: a!.url, goneEvery: GONE_EVERY, deadlineMs: stormDeadlineMs }, 120_000)),
    );
    const moversCount = armed.reduce((s, r) => s + r.movers, 0);
    const killUs = nowUs();
    const killedAt = Date.now();
    await b!.kill();
    let status: any[] = [];
    for (;;) {
      status = await Promise.all(conn.clients.map((c) => c.call('storm-status', {}, 30_000)));
      const rejoined = status.reduce((s, r) => s + r.rejoined, 0);
      if (rejoined >= moversCount || Date.now() - killedAt > stormDeadlineMs) break;
      await sleep(250);
    }
    const times = status.flatMap((r) => r.rejoinedUs.map((us: number) => (us - killUs) / 1e6));
    const missing = moversCount - times.length;
    const all = [...times, ...Array.from({ length: Math.max(0, missing) }, () => Number.POSITIVE_INFINITY)];
    const stormS = round(Math.max(0, ...times), 2);
    const side: StormSide = {
      sockets: users,
      joined: conn.joined,
      setupS,
      movers: moversCount,
      gone: armed.reduce((s, r) => s + r.gone, 0),
      rejoined: times.length,
      attempts: status.reduce((s, r) => s + r.attempts, 0),
      errors: Object.assign({}, ...status.map((r) => r.errors)),
      droppedOnSurvivor: status.reduce((s, r) => s + r.droppedOnTarget, 0),
      secondsToRejoin: {
        p50: round(percentile(all, 50), 2),
        p95: round(percentile(all, 95), 2),
        p99: round(percentile(all, 99), 2),
        max: round(percentile(all, 100), 2),
      },
      stormS,
    };
    env.log(`  reconnect ${who}: ${times.length}/${moversCount} re-joined, p99 ${side.secondsToRejoin.p99} s, last at ${stormS} s`);
    if (!bare) {
      // Presence is judged after the TTL has run out for every killed socket, plus one sweep period and 2 s.
      const checkAt = killedAt + (ttl + ttl / 3 + 2) * 1000;
      if (Date.now() < checkAt) await sleep(checkAt - Date.now());
      const verdicts = await Promise.all(conn.clients.map((c) => c.call('storm-verdict', { quietMs: 1500, maxWaitMs: 15_000 }, 120_000)));
      const kinds: Record<string, number> = {};
      for (const v of verdicts) for (const [k, n] of Object.entries(v.kinds as Record<string, number>)) kinds[k] = (kinds[k] ?? 0) + n;
      side.verdict = {
        wrong: verdicts.reduce((s, v) => s + v.wrong, 0),
        kinds,
        examples: verdicts.flatMap((v) => v.examples).slice(0, 5),
        rooms: verdicts.reduce((s, v) => s + v.rooms, 0),
        invalidObservers: verdicts.reduce((s, v) => s + v.invalidObservers, 0),
        unpaired: {
          'extra join': verdicts.reduce((s, v) => s + (v.unpaired?.['extra join'] ?? 0), 0),
          'extra leave': verdicts.reduce((s, v) => s + (v.unpaired?.['extra leave'] ?? 0), 0),
        },
        events: verdicts.reduce((s, v) => s + v.events, 0),
        gone: verdicts.reduce((s, v) => s + v.gone, 0),
        checkedAtS: round((Date.now() - killedAt) / 1000, 1),
      };
      env.log(`  reconnect ${who}: presence checked ${side.verdict.checkedAtS} s after the kill: ${side.verdict.wrong} users wrong ${JSON.stringify(kinds)}`);
    }
    await stopClients(conn.clients);
    await a!.stop();
    return side;
  };

  const real = await runSide(false);
  const base = await runSide(true);
  const s = (x: number): string => (Number.isFinite(x) ? String(x) : 'never');
  const rows: Row[] = [
    { metric: 'sockets joined before the kill (A + B)', studysync: real.joined, baseline: base.joined, ratio: ratio(real.joined, base.joined) },
    {
      metric: "B's clients that come back / re-joined",
      studysync: `${real.movers} / ${real.rejoined}`,
      baseline: `${base.movers} / ${base.rejoined}`,
      ratio: 'n/a',
    },
    {
      metric: 'kill → re-joined with room state p50 / p95 / p99 s',
      studysync: `${s(real.secondsToRejoin.p50)} / ${s(real.secondsToRejoin.p95)} / ${s(real.secondsToRejoin.p99)}`,
      baseline: `${s(base.secondsToRejoin.p50)} / ${s(base.secondsToRejoin.p95)} / ${s(base.secondsToRejoin.p99)}`,
      ratio: ratio(real.secondsToRejoin.p99, base.secondsToRejoin.p99),
    },
    { metric: 'last client back (s after the kill)', studysync: real.stormS, baseline: base.stormS, ratio: ratio(real.stormS, base.stormS) },
    { metric: 'connection attempts during the storm', studysync: real.attempts, baseline: base.attempts, ratio: ratio(real.attempts, base.attempts) },
    {
      metric: `users shown wrong after the storm (of ${users}; ${real.gone} gone)`,
      studysync: real.verdict ? real.verdict.wrong : 'n/a',
      baseline: 'n/a (no presence)',
      ratio: 'n/a',
      note: real.verdict?.wrong ? JSON.stringify(real.verdict.kinds) : undefined,
    },
  ];
  if (Object.keys(real.errors).length) notes.push(`API storm errors (retried): ${JSON.stringify(real.errors).slice(0, 300)}`);
  if (real.droppedOnSurvivor) notes.push(`node A dropped ${real.droppedOnSurvivor} of its own sockets during the storm (they reconnected too)`);
  if (real.verdict?.examples.length) notes.push(`presence examples: ${real.verdict.examples.join('; ')}`);
  if (real.verdict && (real.verdict.unpaired['extra join'] || real.verdict.unpaired['extra leave'])) {
    notes.push(
      `observers' joins and leaves that do not pair up (display still right; a user who blips within a diff window): ${JSON.stringify(real.verdict.unpaired)}`,
    );
  }
  if (real.verdict?.invalidObservers) notes.push(`${real.verdict.invalidObservers} observers lost their socket: only the room state was judged in their rooms`);
  notes.push(
    `PRESENCE_TTL_SECONDS=${ttl} for this scenario; presence judged ${real.verdict?.checkedAtS ?? 'n/a'} s after the kill (≥ TTL + TTL/3 sweep period + 2 s, and after the storm); ${real.verdict?.events ?? 0} presence events seen by the ${real.verdict?.rooms ?? 0} observers.`,
  );
  const checks = checksFor('reconnect', env.scale, {
    'reconnect.p99_seconds': {
      value: real.movers > 0 ? real.secondsToRejoin.p99 : null,
      detail: `${real.rejoined}/${real.movers} re-joined; p50 ${s(real.secondsToRejoin.p50)} s, max ${s(real.secondsToRejoin.max)} s (bare pair p99 ${s(base.secondsToRejoin.p99)} s)`,
    },
    'reconnect.ghosts': {
      value: real.verdict ? real.verdict.wrong : null,
      detail: real.verdict ? `${JSON.stringify(real.verdict.kinds)} in ${real.verdict.rooms} rooms` : 'not judged',
    },
  });
  const status = real.joined === users && real.rejoined === real.movers ? 'ok' : 'partial';
  return {
    name: 'reconnect',
    status,
    rows,
    checks,
    notes,
    data: { rooms: roomCount, groupSize, presenceTtlSeconds: ttl, goneEvery: GONE_EVERY, real, bare: base },
  };
}
