import { checksFor } from '../lib/checks';
import { merge, summary } from '../lib/hist';
import { byGroupSlices, ratio, round, startClients, stopClients, type BenchEnv, type Client, type Row, type ScenarioResult } from '../lib/harness';
import { prepareDatabase, seedPopulation, userId, withPg } from '../lib/fixtures';
import { cpuMs, rssBytes, sleep, startApi, startBare, type Proc } from '../lib/procs';

export interface Member {
  userId: string;
  groupId: number;
  url: string;
}

/** `users` members in rooms of `groupSize`, alternating over `urls` inside each room (every room spans every node). */
export function members(users: number, groupSize: number, urls: string[]): Member[] {
  return Array.from({ length: users }, (_, i) => ({ userId: userId(i), groupId: Math.floor(i / groupSize) + 1, url: urls[(i % groupSize) % urls.length]! }));
}

export async function seed(env: BenchEnv, users: number, groupSize: number): Promise<void> {
  await prepareDatabase(env.databaseUrl);
  await withPg(env.databaseUrl, (pg) => seedPopulation(pg, users, groupSize));
}

/** Connects (and joins) `all` through `clientCount` processes, each room whole in one process. */
export async function connectAll(env: BenchEnv, all: Member[], clientCount: number, withAuth: boolean, deadlineMs?: number) {
  const clients = await startClients(clientCount);
  const slices = byGroupSlices(all, clientCount);
  const started = Date.now();
  const results = await Promise.all(
    slices.map((slice, i) =>
      clients[i]!.call(
        'connect',
        { members: slice, privatePem: withAuth ? env.keys.privatePem : undefined, concurrency: 40, join: true, timeout: 30_000, deadlineMs },
        (deadlineMs ?? 240_000) + 60_000,
      ),
    ),
  );
  const wallMs = Date.now() - started;
  const sum = (k: string): number => results.reduce((a, r) => a + (r[k] ?? 0), 0);
  const connectMs = Math.max(...results.map((r) => r.connectMs));
  const errors = results.map((r) => r.joinError).filter(Boolean);
  const connectErrors = Object.assign({}, ...results.map((r) => r.errors));
  return {
    clients,
    /** Rooms per client process, in the order of `clients`. */
    roomsPerClient: slices.map((s) => new Set(s.map((m) => m.groupId)).size),
    wallMs,
    connectMs,
    connected: sum('connected'),
    failed: sum('failed'),
    joined: sum('joined'),
    joinFailed: sum('joinFailed'),
    joinError: errors[0] as string | undefined,
    connectErrors,
  };
}

async function liveCounts(clients: Client[]): Promise<{ connected: number; joined: number }> {
  const counts = await Promise.all(clients.map((c) => c.call('count', {}, 30_000)));
  return { connected: counts.reduce((a, r) => a + r.connected, 0), joined: counts.reduce((a, r) => a + r.joined, 0) };
}

/** Connecting and joining stop after this long per side: "held inside the scenario budget". */
const CONNECT_BUDGET_MS = 60_000;

/**
 * 1. Authenticated sockets held on one node, each `room:join`ed (100 rooms of 100):
 * handshake+join rate and RSS per joined socket against a bare Socket.IO server that
 * takes the same handshakes and joins (no auth, no adapter, no storage).
 */
export async function connections(env: BenchEnv): Promise<ScenarioResult> {
  const target = Math.round(10_000 * env.scale);
  const groupSize = 100;
  await seed(env, target, groupSize);
  const notes: string[] = [];
  const measure = async (server: Proc, withAuth: boolean) => {
    const before = rssBytes(server.pid);
    const all = members(target, groupSize, [server.url]);
    const cpuBefore = cpuMs(server.pid);
    const r = await connectAll(env, all, 4, withAuth, CONNECT_BUDGET_MS);
    const cpu = cpuMs(server.pid) - cpuBefore;
    await sleep(1000);
    const live = await liveCounts(r.clients);
    const after = rssBytes(server.pid);
    await stopClients(r.clients);
    return {
      ...r,
      clients: undefined,
      held: live.joined,
      stillConnected: live.connected,
      rssBeforeMb: round(before / 2 ** 20, 1),
      rssAfterMb: round(after / 2 ** 20, 1),
      kbPerSocket: live.joined ? round((after - before) / 1024 / live.joined, 1) : 0,
      /** Handshake + room:join completed per second, over the time the clients took (≤ the budget). */
      joinsPerSec: round(r.joined / (r.connectMs / 1000)),
      /** The server's CPU time per handshake+join while the clients connected. */
      cpuMsPerJoin: r.joined ? round(cpu / r.joined, 2) : 0,
    };
  };
  const api = await startApi(env.nodeEnv);
  const real = await measure(api, true);
  await api.stop();
  const bare = await startBare('io');
  const base = await measure(bare, false);
  await bare.stop();
  if (real.joinError) notes.push(`room:join on the API node: ${real.joinError}`);
  if (real.joined < target)
    notes.push(`connecting and joining stop after ${CONNECT_BUDGET_MS / 1000} s per side (the budget): ${real.joined} of ${target} joined by then`);
  if (real.failed) notes.push(`${real.failed} handshakes failed: ${JSON.stringify(real.connectErrors).slice(0, 300)}`);
  if (base.held < target) notes.push(`the bare server held ${base.held} of ${target}: the machine, not StudySync, limits this run`);
  const rows: Row[] = [
    { metric: `sockets held and joined after the budget (target ${target})`, studysync: real.held, baseline: base.held, ratio: ratio(real.held, base.held) },
    { metric: 'handshakes+joins/s', studysync: real.joinsPerSec, baseline: base.joinsPerSec, ratio: ratio(real.joinsPerSec, base.joinsPerSec) },
    {
      metric: 'server CPU per handshake+join (ms)',
      studysync: real.cpuMsPerJoin,
      baseline: base.cpuMsPerJoin,
      ratio: ratio(real.cpuMsPerJoin, base.cpuMsPerJoin),
    },
    { metric: 'server RSS per joined socket (KB)', studysync: real.kbPerSocket, baseline: base.kbPerSocket, ratio: ratio(real.kbPerSocket, base.kbPerSocket) },
    {
      metric: 'server RSS before / after (MB)',
      studysync: `${real.rssBeforeMb} / ${real.rssAfterMb}`,
      baseline: `${base.rssBeforeMb} / ${base.rssAfterMb}`,
      ratio: 'n/a',
    },
  ];
  const checks = checksFor('connections', env.scale, {
    'connections.held': { value: real.held, detail: `${real.held} of ${target} joined and still connected 1 s after the ${CONNECT_BUDGET_MS / 1000} s budget` },
    'connections.join_ratio': {
      value: base.joinsPerSec > 0 ? real.joinsPerSec / base.joinsPerSec : null,
      detail: `${real.joinsPerSec} vs ${base.joinsPerSec} handshakes+joins/s`,
    },
    'connections.rss_ratio': {
      value: real.kbPerSocket > 0 && base.kbPerSocket > 0 ? real.kbPerSocket / base.kbPerSocket : null,
      detail: `${real.kbPerSocket} vs ${base.kbPerSocket} KB per joined socket`,
    },
  });
  const status = real.held === target ? 'ok' : 'partial';
  return { name: 'connections', status, rows, checks, notes, data: { target, real, bare: base } };
}

/** Two API nodes, or two bare Socket.IO servers on the same Redis adapter. */
export async function pair(env: BenchEnv, bare: boolean, extraEnv: Record<string, string> = {}): Promise<Proc[]> {
  return bare
    ? Promise.all([startBare('io-redis', { REDIS_URL: env.redisUrl }), startBare('io-redis', { REDIS_URL: env.redisUrl })])
    : Promise.all([startApi({ ...env.nodeEnv, ...extraEnv }), startApi({ ...env.nodeEnv, ...extraEnv })]);
}

export interface FanoutStep {
  rate: number;
  warmup: boolean;
  durationMs: number;
  acked: number;
  ackErrors: number;
  codes: Record<string, number>;
  deliveries: number;
  expected: number;
  deliveriesPerSec: number;
  senders: number;
  p50ms: number;
  p95ms: number;
  p99ms: number;
  maxMs: number;
  /** p99 ≥ 100 ms, an ack error, or a delivery missing. */
  broken: boolean;
}

const P99_LIMIT_MS = 100;
const WARMUP_RATE = 25;
const FIRST_RATE = 50;
const CHECK_RATE = 200;
const MAX_RATE = 25_600;

/**
 * Highest rate of a side's ladder under p99 100 ms: the last step before its first
 * broken one, the warm-up step included (a node that breaks cold scores 0).
 */
export function highestRate(steps: FanoutStep[]): number {
  let best = 0;
  for (const s of steps) {
    if (s.broken) break;
    best = s.rate;
  }
  return best;
}

/**
 * 2. Chat fan-out with many senders: 100-member rooms split over two nodes; every
 * message of a room comes from the next member in turn. The nodes start cold; the
 * first step (warm-up, 25 msg/s) is recorded and counts like every other; then 50,
 * 100, 200, 400 … msg/s, one step each, until the side breaks p99 100 ms (always up to
 * 200, the rate the p99 check compares at). The bare pair (same Redis adapter) climbs
 * the same ladder after StudySync's nodes are stopped.
 */
export async function fanout(env: BenchEnv): Promise<ScenarioResult> {
  const roomCount = Math.max(2, Math.round(10 * env.scale));
  const groupSize = 100;
  const users = roomCount * groupSize;
  await seed(env, users, groupSize);
  const full = env.scale >= 1;
  const stepMs = full ? 10_000 : 3000;
  const warmupMs = full ? 5000 : 2000;
  const notes: string[] = [];
  const runSide = async (bare: boolean): Promise<FanoutStep[]> => {
    const nodes = await pair(env, bare);
    const conn = await connectAll(
      env,
      members(
        users,
        groupSize,
        nodes.map((n) => n.url),
      ),
      2,
      !bare,
    );
    const steps: FanoutStep[] = [];
    if (conn.joinError) notes.push(`${bare ? 'bare' : 'API'} room:join: ${conn.joinError}`);
    if (conn.joined < users) notes.push(`${bare ? 'bare' : 'API'}: only ${conn.joined} of ${users} sockets joined`);
    const ladder = [{ rate: WARMUP_RATE, warmup: true, ms: warmupMs }];
    for (let rate = FIRST_RATE; rate <= MAX_RATE; rate *= 2) ladder.push({ rate, warmup: false, ms: stepMs });
    for (const { rate, warmup, ms } of ladder) {
      if (conn.joined === 0) break;
      const results = await Promise.all(
        conn.clients.map((c) => c.call('chat', { ratePerRoom: rate / roomCount, durationMs: ms, pad: 80, settleMs: 1000 }, ms + 120_000)),
      );
      const s = summary(merge(results.map((r) => r.hist)));
      const sum = (k: string): number => results.reduce((a, r) => a + r[k], 0);
      const step: FanoutStep = {
        rate,
        warmup,
        durationMs: ms,
        acked: sum('acked'),
        ackErrors: sum('ackErrors'),
        codes: Object.assign({}, ...results.map((r) => r.ackCodes)),
        deliveries: sum('deliveries'),
        expected: sum('expectedDeliveries'),
        deliveriesPerSec: round(sum('deliveries') / (ms / 1000)),
        senders: sum('senders'),
        ...s,
        broken: false,
      };
      step.broken = step.p99ms >= P99_LIMIT_MS || step.ackErrors > 0 || step.deliveries < step.expected || step.acked === 0;
      steps.push(step);
      env.log(
        `  fanout ${bare ? 'bare' : 'api '} ${warmup ? 'warm-up ' : ''}${rate} msg/s: ${step.deliveries}/${step.expected} deliveries, ${step.senders} senders, p99 ${s.p99ms} ms, ack errors ${step.ackErrors}${step.ackErrors ? ` ${JSON.stringify(step.codes)}` : ''}${step.broken ? ' — broken' : ''}`,
      );
      if (step.p99ms >= P99_LIMIT_MS) {
        // Where the tail sits: the worst 250 ms slices of send time (ms since the step began → worst latency ms).
        const slices = new Map<number, number>();
        for (const r of results) for (const [at, ms] of r.timeline as Array<[number, number]>) slices.set(at, Math.max(ms, slices.get(at) ?? 0));
        const top = [...slices].sort((a, b) => b[1] - a[1]).slice(0, 6);
        const over = [...slices].filter(([, ms]) => ms >= P99_LIMIT_MS).length;
        notes.push(
          `${bare ? 'bare' : 'API'} ${rate} msg/s: ${over} of ${slices.size} 250-ms slices had a delivery ≥ ${P99_LIMIT_MS} ms; worst (ms into the step → ms): ${top.map(([at, ms]) => `${at}→${ms}`).join(', ')}`,
        );
      }
      if (step.broken && rate >= CHECK_RATE) break;
    }
    await stopClients(conn.clients);
    await Promise.all(nodes.map((n) => n.stop()));
    return steps;
  };
  const real = await runSide(false);
  const base = await runSide(true);
  const rows: Row[] = [];
  const rates = [...new Set([...real, ...base].map((s) => s.rate))].sort((a, b) => a - b);
  for (const rate of rates) {
    const a = real.find((s) => s.rate === rate);
    const b = base.find((s) => s.rate === rate);
    const label = `${rate} msg/s${(a ?? b)?.warmup ? ' (warm-up, cold nodes)' : ''}`;
    rows.push({
      metric: `${label}: deliveries/s`,
      studysync: a?.deliveriesPerSec ?? '—',
      baseline: b?.deliveriesPerSec ?? '—',
      ratio: a && b ? ratio(a.deliveriesPerSec, b.deliveriesPerSec) : 'n/a',
    });
    rows.push({
      metric: `${label}: p50 / p95 / p99 ms`,
      studysync: a ? `${a.p50ms} / ${a.p95ms} / ${a.p99ms}` : '—',
      baseline: b ? `${b.p50ms} / ${b.p95ms} / ${b.p99ms}` : '—',
      ratio: a && b ? ratio(a.p99ms, b.p99ms) : 'n/a',
      note: a?.ackErrors
        ? `ack errors ${a.ackErrors} ${JSON.stringify(a.codes)}`
        : a && a.deliveries < a.expected
          ? `${a.expected - a.deliveries} deliveries missing`
          : undefined,
    });
  }
  const bestReal = highestRate(real);
  const bestBase = highestRate(base);
  rows.push({ metric: `highest rate with p99 < ${P99_LIMIT_MS} ms (msg/s)`, studysync: bestReal, baseline: bestBase, ratio: ratio(bestReal, bestBase) });
  const at = (steps: FanoutStep[]): FanoutStep | undefined => steps.find((s) => s.rate === CHECK_RATE);
  const realAt = at(real);
  const baseAt = at(base);
  const checks = checksFor('fanout', env.scale, {
    'fanout.max_rate_ratio': { value: bestBase > 0 ? bestReal / bestBase : null, detail: `${bestReal} vs ${bestBase} msg/s` },
    'fanout.p99_ratio_at_200': {
      value: realAt && baseAt && baseAt.p99ms > 0 && realAt.acked > 0 ? realAt.p99ms / baseAt.p99ms : null,
      detail: `${realAt?.p99ms ?? 'n/a'} vs ${baseAt?.p99ms ?? 'n/a'} ms${realAt && realAt.deliveries < realAt.expected ? ` (${realAt.expected - realAt.deliveries} deliveries missing)` : ''}`,
    },
  });
  const status = real.length === 0 || real.every((s) => s.acked === 0) ? 'partial' : 'ok';
  if (status === 'partial') notes.push('No chat:send acknowledged by the API nodes.');
  return { name: 'fanout', status, rows, checks, notes, data: { rooms: roomCount, groupSize, stepMs, warmupMs, real, base } };
}

/** 3. Timer events: every user starts then stops a timer; latency to the peers' timer:started. */
export async function timers(env: BenchEnv): Promise<ScenarioResult> {
  const users = Math.max(200, Math.round(1000 * env.scale));
  const groupSize = 100;
  await seed(env, users, groupSize);
  const notes: string[] = [];
  const runSide = async (bare: boolean) => {
    const nodes = await pair(env, bare);
    const conn = await connectAll(
      env,
      members(
        users,
        groupSize,
        nodes.map((n) => n.url),
      ),
      2,
      !bare,
    );
    if (conn.joinError) notes.push(`${bare ? 'bare' : 'API'} room:join: ${conn.joinError}`);
    const durationMs = 5000;
    const results = await Promise.all(conn.clients.map((c) => c.call('timers', { durationMs, holdMs: 1500, settleMs: 1500 }, 120_000)));
    await stopClients(conn.clients);
    await Promise.all(nodes.map((n) => n.stop()));
    const start = summary(merge(results.map((r) => r.startHist)));
    const stop = summary(merge(results.map((r) => r.stopHist)));
    const sum = (k: string): number => results.reduce((a, r) => a + r[k], 0);
    return {
      timers: sum('timers'),
      errors: sum('errors'),
      codes: Object.assign({}, ...results.map((r) => r.codes)),
      startedEvents: sum('startedEvents'),
      stoppedEvents: sum('stoppedEvents'),
      start,
      stop,
      startsPerSec: round(sum('timers') / (durationMs / 1000)),
    };
  };
  const real = await runSide(false);
  const base = await runSide(true);
  if (real.errors) notes.push(`API timer acks failed: ${JSON.stringify(real.codes)}`);
  const rows: Row[] = [
    { metric: 'timers started (rate/s)', studysync: `${real.timers} (${real.startsPerSec})`, baseline: `${base.timers} (${base.startsPerSec})`, ratio: 'n/a' },
    { metric: 'timer:started deliveries', studysync: real.startedEvents, baseline: base.startedEvents, ratio: ratio(real.startedEvents, base.startedEvents) },
    {
      metric: 'start → peers timer:started p50 / p95 / p99 ms',
      studysync: `${real.start.p50ms} / ${real.start.p95ms} / ${real.start.p99ms}`,
      baseline: `${base.start.p50ms} / ${base.start.p95ms} / ${base.start.p99ms}`,
      ratio: ratio(real.start.p99ms, base.start.p99ms),
    },
    {
      metric: 'stop → peers timer:stopped p50 / p99 ms',
      studysync: `${real.stop.p50ms} / ${real.stop.p99ms}`,
      baseline: `${base.stop.p50ms} / ${base.stop.p99ms}`,
      ratio: ratio(real.stop.p99ms, base.stop.p99ms),
    },
  ];
  const status = real.startedEvents > 0 && real.errors === 0 ? 'ok' : 'partial';
  if (real.startedEvents === 0) notes.push('No timer:started from the API nodes.');
  return { name: 'timers', status, rows, checks: [], notes, data: { users, real, base } };
}
