/**
 * `npm run bench [-- --only=rest,leaderboard] [--scale=0.1]`: every scenario against a
 * same-run baseline; writes bench/results/latest.json, bench/results/latest.md and the
 * results section of docs/PERFORMANCE.md. Every process started is stopped at the end,
 * on failure and on SIGINT; each scenario has its own time limit.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureServerBuild } from './lib/build';
import { flushPrefix, type BenchEnv, type ScenarioResult } from './lib/harness';
import { installCleanup, ROOT, stopAll } from './lib/procs';
import { createBenchKeys } from './lib/tokens';
import { connections, fanout, timers } from './scenarios/realtime';
import { leaderboard, rest, sessions } from './scenarios/storage';

const SCENARIOS: Record<string, { run: (env: BenchEnv) => Promise<ScenarioResult>; limitS: number }> = {
  connections: { run: connections, limitS: 200 },
  fanout: { run: fanout, limitS: 120 },
  timers: { run: timers, limitS: 120 },
  sessions: { run: sessions, limitS: 240 },
  leaderboard: { run: leaderboard, limitS: 120 },
  rest: { run: rest, limitS: 60 },
};

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

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
  const base = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const databaseUrl = `${base}/studysync_bench`;
  const keys = createBenchKeys();
  const env: BenchEnv = {
    databaseUrl,
    redisUrl,
    keys,
    scale,
    nodeEnv: {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: 'bench:',
      CLERK_JWT_KEY: keys.publicPem,
      LOG_LEVEL: 'warn',
      CHAT_RATE_LIMIT: '10000',
      CHAT_RATE_WINDOW_SECONDS: '1',
      // Load generators act for few users at machine speed: per-user limits would measure themselves.
      WRITE_RATE_BURST: '100000',
      WRITE_RATE_PER_MINUTE: '1000000',
      TYPING_RATE_BURST: '100000',
      TYPING_RATE_PER_MINUTE: '1000000',
      MAX_SOCKETS_PER_USER: '100000',
      WORKER_CONCURRENCY: '16',
    },
    log: (line) => console.log(line),
    flushRedis: () => flushPrefix(redisUrl, 'bench:'),
  };
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
  console.log(`bench: ${only.join(', ')} (scale ${scale}) on ${machine.cpus} cores, ${machine.memoryGb} GB`);
  const results: ScenarioResult[] = [];
  const started = Date.now();
  for (const name of only) {
    const { run, limitS } = SCENARIOS[name]!;
    await env.flushRedis();
    const t = Date.now();
    console.log(`\n▶ ${name} (limit ${limitS} s)`);
    let timer: NodeJS.Timeout | undefined;
    let result: ScenarioResult;
    try {
      result = await Promise.race([
        run(env),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`TIMEOUT after ${limitS} s`)), limitS * 1000))),
      ]);
    } catch (error) {
      const message = (error as Error).message;
      result = { name, status: message.startsWith('TIMEOUT') ? 'timed out' : 'failed', rows: [], notes: [message.slice(0, 600)] };
    } finally {
      clearTimeout(timer);
      await stopAll();
    }
    result.seconds = Math.round((Date.now() - t) / 100) / 10;
    results.push(result);
    console.log(markdownFor([result]));
  }
  await env.flushRedis().catch(() => undefined);
  const report = { startedAt: new Date(started).toISOString(), totalSeconds: Math.round((Date.now() - started) / 1000), scale, machine, results };
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const md = `Run ${report.startedAt}, scale ${scale}, ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGb} GB RAM, Node ${machine.node}; total ${report.totalSeconds} s.\n\n${markdownFor(results)}`;
  // Subset or scaled runs never overwrite the full run's files
  const full = only.length === Object.keys(SCENARIOS).length && scale === 1;
  // (partial runs go to git-ignored *.tmp files).
  const [json, table] = full ? ['latest.json', 'latest.md'] : ['partial.json.tmp', 'partial.md.tmp'];
  fs.writeFileSync(path.join(dir, json), JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(dir, table), md);
  if (full) updatePerformanceDoc(md);
  console.log(`\nwrote bench/results/${json} and ${table} in ${report.totalSeconds} s`);
  process.exitCode = results.some((r) => r.status === 'failed' || r.status === 'timed out') ? 1 : 0;
}

function markdownFor(results: ScenarioResult[]): string {
  return results
    .map((r) => {
      const head = `### ${r.name} — ${r.status}${r.seconds !== undefined ? ` (${r.seconds} s)` : ''}\n\n`;
      const table = r.rows.length
        ? `| metric | StudySync | baseline | ratio |\n| --- | --- | --- | --- |\n${r.rows.map((x) => `| ${x.metric} | ${x.studysync} | ${x.baseline} | ${x.ratio}${x.note ? ` (${x.note})` : ''} |`).join('\n')}\n`
        : '';
      const notes = r.notes.length ? `\n${r.notes.map((n) => `- ${n}`).join('\n')}\n` : '';
      return head + table + notes;
    })
    .join('\n');
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
  });
