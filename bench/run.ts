/**
 * `npm run bench [-- --only=rest,leaderboard] [--scale=0.1] [--runs=3]`: every scenario
 * against a same-run baseline, on the production build. Each scenario writes its checks
 * (bench/lib/checks.ts); the run prints them and exits 1 when one is not met (or a
 * scenario failed or timed out). Only an official run — every scenario, scale 1, at
 * least 3 runs — writes bench/results/latest.json + latest.md and the results section of
 * docs/PERFORMANCE.md; any other run writes the git-ignored bench/results/partial.*.tmp.
 * Every process started is stopped at the end of each scenario, on failure and on
 * SIGINT; each scenario has its own time limit.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureServerBuild } from './lib/build';
import { checksFor } from './lib/checks';
import { flushPrefix, type BenchEnv, type ScenarioResult } from './lib/harness';
import { cancellable, installCleanup, ROOT, stopAll } from './lib/procs';
import { allChecks, checksSummary, combineRuns, markdownFor } from './lib/report';
import { createBenchKeys } from './lib/tokens';
import { connections, fanout, timers } from './scenarios/realtime';
import { reconnect } from './scenarios/reconnect';
import { leaderboard, rest, sessions } from './scenarios/storage';

const SCENARIOS: Record<string, { run: (env: BenchEnv) => Promise<ScenarioResult>; limitS: number }> = {
  connections: { run: connections, limitS: 240 },
  fanout: { run: fanout, limitS: 420 },
  reconnect: { run: reconnect, limitS: 480 },
  timers: { run: timers, limitS: 120 },
  sessions: { run: sessions, limitS: 360 },
  leaderboard: { run: leaderboard, limitS: 240 },
  rest: { run: rest, limitS: 150 },
};

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

const REDIS_PREFIX = 'bench:';

/** The environment of every API node and worker of the run. */
function nodeEnvironment(databaseUrl: string, redisUrl: string, publicPem: string): Record<string, string> {
  return {
    // As production runs it (the compiled build, NODE_ENV=production), on loopback.
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: REDIS_PREFIX,
    CLERK_JWT_KEY: publicPem,
    // Request logs (info) off by default, as in the figures the issues' targets came from.
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    // Load generators act for few users at machine speed: the per-user limits (issue 10)
    // would measure themselves, not the hot paths. Raised, not removed: they still run.
    CHAT_RATE_LIMIT: '10000',
    CHAT_RATE_WINDOW_SECONDS: '1',
    WRITE_RATE_BURST: '100000',
    WRITE_RATE_PER_MINUTE: '1000000',
    TYPING_RATE_BURST: '100000',
    TYPING_RATE_PER_MINUTE: '1000000',
    INVITATIONS_PER_HOUR_PER_INVITER: '1000000',
    INVITATIONS_PER_HOUR_PER_INVITEE: '1000000',
    MAX_SOCKETS_PER_USER: '100000',
    WORKER_CONCURRENCY: '16',
  };
}

async function main(): Promise<void> {
  installCleanup();
  // StudySync runs as production runs it (node dist/…): build first when stale, outside any scenario's time.
  ensureServerBuild();
  const only =
    arg('only')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? Object.keys(SCENARIOS);
  const unknown = only.filter((n) => !SCENARIOS[n]);
  if (unknown.length) throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  const scale = Number(arg('scale') ?? 1);
  const runs = Number(arg('runs') ?? 1);
  if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be in (0, 1]');
  if (!Number.isInteger(runs) || runs < 1 || runs > 9) throw new Error('--runs must be an integer from 1 to 9');
  const base = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const databaseUrl = `${base}/studysync_bench`;
  const keys = createBenchKeys();
  const nodeEnv = nodeEnvironment(databaseUrl, redisUrl, keys.publicPem);
  const env: BenchEnv = {
    databaseUrl,
    redisUrl,
    redisPrefix: REDIS_PREFIX,
    keys,
    scale,
    nodeEnv,
    log: (line) => console.log(line),
    flushRedis: () => flushPrefix(redisUrl, REDIS_PREFIX),
  };
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
  const official = only.length === Object.keys(SCENARIOS).length && scale === 1 && runs >= 3;
  console.log(
    `bench: ${only.join(', ')} (scale ${scale}, ${runs} run${runs > 1 ? 's' : ''}) on ${machine.cpus} cores, ${machine.memoryGb} GB${official ? ' — official run' : ''}`,
  );
  const byScenario = new Map<string, ScenarioResult[]>(only.map((n) => [n, []]));
  const started = Date.now();
  // Run after run (not scenario after scenario), so a noisy minute hits one run of several scenarios, not every run of one.
  for (let k = 1; k <= runs; k += 1) {
    for (const name of only) {
      const { run, limitS } = SCENARIOS[name]!;
      await env.flushRedis();
      const loadAvg = os.loadavg().map((x) => Math.round(x * 100) / 100);
      console.log(
        `\n▶ ${name}${runs > 1 ? ` (run ${k} of ${runs})` : ''} — limit ${limitS} s — load average (1 min) ${loadAvg[0]} [5 min ${loadAvg[1]}, 15 min ${loadAvg[2]}]${loadAvg[0]! >= 1.5 ? ' — the machine is not quiet' : ''}`,
      );
      const t = Date.now();
      let timer: NodeJS.Timeout | undefined;
      let result: ScenarioResult;
      const scenario = cancellable(() => run(env));
      try {
        result = await Promise.race([
          scenario.promise,
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`TIMEOUT after ${limitS} s`)), limitS * 1000))),
        ]);
      } catch (error) {
        const message = (error as Error).message;
        if (message.startsWith('TIMEOUT')) scenario.cancel(message);
        result = {
          name,
          status: message.startsWith('TIMEOUT') ? 'timed out' : 'failed',
          rows: [],
          checks: checksFor(name, scale),
          // (stack paths relative to the repository: results carry no path of the machine)
          notes: [(message.startsWith('TIMEOUT') ? message : ((error as Error).stack ?? message)).split(ROOT).join('.').slice(0, 800)],
        };
      } finally {
        clearTimeout(timer);
        await stopAll();
      }
      scenario.promise.catch(() => undefined);
      result.seconds = Math.round((Date.now() - t) / 100) / 10;
      result.loadAvg = loadAvg;
      byScenario.get(name)!.push(result);
      console.log(markdownFor([result]));
    }
  }
  await env.flushRedis().catch(() => undefined);
  const results = only.map((name) => combineRuns(name, scale, byScenario.get(name)!));
  const checks = allChecks(results);
  const report = {
    startedAt: new Date(started).toISOString(),
    totalSeconds: Math.round((Date.now() - started) / 1000),
    scale,
    runs,
    official,
    only,
    machine,
    environment: Object.fromEntries(Object.entries(nodeEnv).filter(([k]) => !['CLERK_JWT_KEY', 'DATABASE_URL', 'REDIS_URL'].includes(k))),
    checks,
    results,
  };
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const md = [
    `Run ${report.startedAt}, scale ${scale}, ${runs > 1 ? `median of ${runs} runs` : '1 run'}, ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGb} GB RAM, Node ${machine.node}; total ${report.totalSeconds} s.`,
    checksSummary(results),
    markdownFor(results),
  ]
    .filter(Boolean)
    .join('\n\n');
  const [json, table] = official ? ['latest.json', 'latest.md'] : ['partial.json.tmp', 'partial.md.tmp'];
  fs.writeFileSync(path.join(dir, json), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, table), `${md}\n`);
  if (official) updatePerformanceDoc(md);
  const failed = results.filter((r) => r.status === 'failed' || r.status === 'timed out');
  const unmet = checks.filter((c) => !c.met);
  console.log(`\n── checks${runs > 1 ? ` (median of ${runs} runs)` : ''} ──`);
  for (const c of checks) console.log(`${c.met ? '✔' : '✘'} ${c.id} = ${c.value ?? 'n/a'} (target ${c.target})${c.detail ? ` — ${c.detail}` : ''}`);
  if (!checks.length) console.log('(the selected scenarios have no checks)');
  for (const r of failed) console.log(`✘ scenario ${r.name} ${r.status}`);
  console.log(
    `\nwrote bench/results/${json} and ${table}${official ? ' and docs/PERFORMANCE.md' : ' (not an official run: official = every scenario, scale 1, --runs=3)'} in ${report.totalSeconds} s`,
  );
  console.log(
    unmet.length || failed.length
      ? `FAIL: ${unmet.length} of ${checks.length} checks not met, ${failed.length} scenarios failed`
      : `OK: ${checks.length} checks met`,
  );
  process.exitCode = unmet.length || failed.length ? 1 : 0;
}

function updatePerformanceDoc(md: string): void {
  const file = path.join(ROOT, 'docs', 'PERFORMANCE.md');
  if (!fs.existsSync(file)) return;
  const doc = fs.readFileSync(file, 'utf8');
  const start = '<!-- bench:results:start -->';
  const end = '<!-- bench:results:end -->';
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) return;
  fs.writeFileSync(file, `${doc.slice(0, i + start.length)}\n${md}\n${doc.slice(j)}`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAll();
    // A scenario cancelled at its time limit may still hold a connection: do not hang on it.
    setTimeout(() => process.exit(), 2000).unref();
  });
