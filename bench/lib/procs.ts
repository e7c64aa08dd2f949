import { AsyncLocalStorage } from 'node:async_hooks';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../test/helpers/processes';
import { ensureServerBuild } from './build';

export { freePort };

export const ROOT = path.resolve(__dirname, '..', '..');

/**
 * A scenario that overran its time limit keeps running in the background (a promise
 * cannot be stopped from outside): the run marks its scope cancelled, and from then on
 * every spawn, waitFor and sleep inside that scenario throws, so it can neither start
 * processes nor wait on anything while the next scenario runs.
 */
const scope = new AsyncLocalStorage<{ cancelled?: string }>();

/** Runs `fn` in a scope `cancel(reason)` cancels (see above). */
export function cancellable<T>(fn: () => Promise<T>): { promise: Promise<T>; cancel(reason: string): void } {
  const state: { cancelled?: string } = {};
  return {
    promise: scope.run(state, fn),
    cancel: (reason) => {
      state.cancelled = reason;
    },
  };
}

/** Throws when the current scenario was cancelled (time limit). */
export function throwIfCancelled(): void {
  const reason = scope.getStore()?.cancelled;
  if (reason) throw new Error(`cancelled: ${reason}`);
}

/** Every child this process started; all are killed on exit, failure or SIGINT. */
const children = new Set<ChildProcess>();

export interface Proc {
  child: ChildProcess;
  pid: number;
  port?: number;
  url: string;
  output(): string;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
  exited: Promise<void>;
}

function track(child: ChildProcess, url = ''): Proc {
  children.add(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      children.delete(child);
      resolve();
    }),
  );
  const done = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    pid: child.pid!,
    url,
    output: () => out,
    exited,
    kill: async () => {
      if (!done()) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (done()) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/**
 * Runs one of the bench's own TypeScript scripts (`bench/bare-server.ts`, …) with tsx
 * loaded into the one node process (`node --import tsx`), not through the tsx CLI: the
 * CLI is a wrapper process, so its pid would give the wrong RSS and a SIGKILL to it
 * would leave the real server running.
 */
export function runScript(script: string, env: Record<string, string>, args: string[] = []): Proc {
  throwIfCancelled();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(child);
}

/** The compiled entry point of each process (package.json `start:api`, `start:worker`). */
const ENTRIES = { api: ['dist', 'src', 'bin', 'api.js'], worker: ['dist', 'workers', 'main.js'] } as const;

/**
 * Runs a StudySync process as production does (Dockerfile, compose): the compiled entry
 * point, `node --enable-source-maps dist/src/bin/api.js` or `dist/workers/main.js`,
 * building dist/ first when it is missing or stale (bench/lib/build.ts).
 */
export function runProduction(entry: 'api' | 'worker', env: Record<string, string>): Proc {
  throwIfCancelled();
  ensureServerBuild();
  // BENCH_NODE_ARGS: extra Node flags for the measured processes only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--enable-source-maps', path.join(ROOT, ...ENTRIES[entry])], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(child);
}

/** A load-generating client process (bench/client.ts) speaking by IPC. */
export function forkClient(): Proc {
  throwIfCancelled();
  const child = fork(path.join(ROOT, 'bench', 'client.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return track(child);
}

export async function waitFor<T>(check: () => Promise<T> | T, timeout: number, interval = 100, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    throwIfCancelled();
    try {
      return await check();
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeout} ms: ${(last as Error)?.message ?? last}`);
    await sleep(interval);
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise<void>((r) => setTimeout(r, ms)).then(() => {
    throwIfCancelled();
  });

/** An API node process (the production build); resolves once /readyz answers 200. */
export async function startApi(env: Record<string, string>, port?: number): Promise<Proc> {
  port ??= await freePort();
  const proc = runProduction('api', { ...env, PORT: String(port) });
  proc.port = port;
  proc.url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`api node exited: ${proc.output().slice(-2000)}`);
      const res = await fetch(`${proc.url}/readyz`);
      if (res.status !== 200) throw new Error(`readyz ${res.status}`);
    },
    30_000,
    150,
    'api node ready',
  ).catch(async (error) => {
    await proc.kill();
    throw error;
  });
  return proc;
}

/** A worker process (the production build); resolves once it logs "worker running". */
export async function startWorkerProc(env: Record<string, string>): Promise<Proc> {
  const proc = runProduction('worker', { ...env, LOG_LEVEL: 'info' });
  await waitFor(
    () => {
      if (proc.child.exitCode !== null) throw new Error(`worker exited: ${proc.output().slice(-2000)}`);
      if (!proc.output().includes('worker running')) throw new Error('not yet');
    },
    30_000,
    150,
    'worker ready',
  ).catch(async (error) => {
    await proc.kill();
    throw error;
  });
  return proc;
}

/** A bare server (bench/bare-server.ts) on a free port; resolves when it listens. */
export async function startBare(kind: 'io' | 'io-redis' | 'express', env: Record<string, string> = {}): Promise<Proc> {
  const port = await freePort();
  const proc = runScript('bench/bare-server.ts', { ...env, PORT: String(port), BARE_KIND: kind });
  proc.port = port;
  proc.url = `http://127.0.0.1:${port}`;
  await waitFor(
    () => {
      if (proc.child.exitCode !== null) throw new Error(`bare server exited: ${proc.output()}`);
      if (!proc.output().includes('listening')) throw new Error('not yet');
    },
    20_000,
    100,
    'bare server ready',
  );
  return proc;
}

/** CPU time (user + system) a process has used so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident memory of a process in bytes (VmRSS in /proc/<pid>/status). */
export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** Kills every child still running (SIGKILL); used on exit paths. */
export function killAll(): void {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 4000).unref();
        }),
    ),
  );
}

let installed = false;
/** SIGINT/SIGTERM/uncaught → kill children and exit; process exit → kill leftovers. */
export function installCleanup(extra: () => Promise<void> | void = () => undefined): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  const onSignal = (signal: string): void => {
    process.stderr.write(`\n${signal}: stopping every process started\n`);
    void Promise.resolve()
      .then(extra)
      .catch(() => undefined)
      .finally(() => {
        killAll();
        process.exit(130);
      });
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}
