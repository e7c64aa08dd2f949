/**
 * The machine-readable targets of issues 12 (real time) and 13 (storage). Every scenario
 * that has targets writes `checks: [{id, value, target, met}]` into the results: `value`
 * is the measured figure (null when the scenario could not measure it, which is never
 * met), `target` the rule as text (`>= 0.5`, `<= 10`, `== 0`), `met` whether the value
 * satisfies it. `detail` (optional) says what the value was computed from.
 */

export type Op = '>=' | '<=' | '==';

export interface CheckDef {
  id: string;
  op: Op;
  /** The target at full scale; `scaled` targets are multiplied by `--scale`. */
  target: number;
  scaled?: boolean;
  /** What the value is, for the docs and the printout. */
  what: string;
}

export interface Check {
  id: string;
  value: number | null;
  target: string;
  met: boolean;
  detail?: string;
}

/** Exactly the ids and targets the issues name, per scenario. */
export const CHECK_DEFS: Record<string, CheckDef[]> = {
  connections: [
    {
      id: 'connections.held',
      op: '>=',
      target: 10_000,
      scaled: true,
      what: 'authenticated sockets held and joined to their room on one node inside the budget',
    },
    { id: 'connections.join_ratio', op: '>=', target: 0.5, what: "handshakes+joins/s ÷ the bare server's" },
    { id: 'connections.rss_ratio', op: '<=', target: 1.5, what: "RSS per joined socket ÷ the bare server's" },
  ],
  fanout: [
    { id: 'fanout.max_rate_ratio', op: '>=', target: 0.5, what: "highest rate under p99 100 ms ÷ the bare pair's" },
    { id: 'fanout.p99_ratio_at_200', op: '<=', target: 3, what: "p99 at 200 msg/s ÷ the bare pair's" },
  ],
  reconnect: [
    { id: 'reconnect.p99_seconds', op: '<=', target: 10, what: 'p99 seconds from the SIGKILL to re-joined with room state' },
    { id: 'reconnect.ghosts', op: '==', target: 0, what: 'users not present exactly once (or gone users still present) after the storm' },
  ],
  sessions: [
    { id: 'sessions.per_sec', op: '>=', target: 2000, what: 'sessions/s until every row, total, streak and board entry is stored' },
    { id: 'sessions.ratio_noop', op: '>=', target: 0.4, what: "sessions/s ÷ a no-op BullMQ worker's jobs/s" },
  ],
  leaderboard: [
    { id: 'leaderboard.rps_ratio_bare', op: '>=', target: 0.4, what: "requests/s ÷ a bare Express route's (same JSON)" },
    { id: 'leaderboard.p99_ratio_bare', op: '<=', target: 3, what: "p99 ÷ the bare route's p99" },
    { id: 'leaderboard.vs_seed', op: '>=', target: 20, what: "requests/s ÷ the seed's SQL leaderboard query's" },
  ],
  rest: [
    { id: 'rest.me_ratio', op: '>=', target: 0.5, what: 'GET /api/me requests/s ÷ bare Express' },
    { id: 'rest.groups_ratio', op: '>=', target: 0.5, what: 'GET /api/groups requests/s ÷ bare Express' },
  ],
};

export const targetOf = (def: CheckDef, scale: number): number => (def.scaled ? Math.round(def.target * scale) : def.target);

const meets = (op: Op, value: number, target: number): boolean => (op === '>=' ? value >= target : op === '<=' ? value <= target : value === target);

/** Rounds to 3 significant decimals for ratios, integers for counts. */
function tidy(value: number): number {
  if (!Number.isFinite(value)) return value;
  return Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 1000) / 1000;
}

export interface Measured {
  value: number | null | undefined;
  detail?: string;
}

/**
 * The scenario's checks, in the order of CHECK_DEFS, from what it measured. An id it
 * did not measure is reported with value null and met false (a crashed scenario thus
 * still lists every check of its issue, none met).
 */
export function checksFor(scenario: string, scale: number, measured: Record<string, Measured> = {}): Check[] {
  return (CHECK_DEFS[scenario] ?? []).map((def) => {
    const m = measured[def.id];
    const raw = m?.value;
    // Infinity (e.g. a p99 over clients that never came back) is not JSON: report null, not met.
    const value = raw === undefined || raw === null || Number.isNaN(raw) || !Number.isFinite(raw) ? null : tidy(raw);
    const target = targetOf(def, scale);
    return {
      id: def.id,
      value,
      target: `${def.op} ${target}`,
      met: value !== null && meets(def.op, value, target),
      ...(m?.detail ? { detail: m.detail } : {}),
    };
  });
}

/**
 * The median of one check over several runs. Values are ordered from worst to best
 * for the check's direction (null is the worst), and the middle one is taken — for an
 * even number of runs the worse of the two middle ones — so `met` is judged on a value
 * that at least half of the runs reached.
 */
export function medianCheck(scenario: string, scale: number, runs: Check[][]): Check[] {
  return (CHECK_DEFS[scenario] ?? []).map((def) => {
    const all = runs.map((checks) => checks.find((c) => c.id === def.id));
    const values = all.map((c) => c?.value ?? null);
    const badness = (v: number | null): number => {
      if (v === null) return Number.POSITIVE_INFINITY;
      if (def.op === '>=') return -v;
      if (def.op === '<=') return v;
      return Math.abs(v - def.target);
    };
    const sorted = [...values].sort((a, b) => badness(b) - badness(a));
    const value = sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
    const target = targetOf(def, scale);
    return {
      id: def.id,
      value,
      target: `${def.op} ${target}`,
      met: value !== null && meets(def.op, value, target),
      detail: `median of ${values.length} runs: ${values.map((v) => (v === null ? 'n/a' : String(v))).join(', ')}`,
    };
  });
}
