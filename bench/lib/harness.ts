import { Redis } from 'ioredis';
import type { Check } from './checks';
import { forkClient, type Proc } from './procs';
import type { BenchKeys } from './tokens';

/** A forked client process with a request/response call over IPC. */
export interface Client {
  proc: Proc;
  call<T = any>(cmd: string, args?: object, timeoutMs?: number): Promise<T>;
}

export async function startClients(n: number): Promise<Client[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const proc = forkClient();
      let seq = 0;
      const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
      await new Promise<void>((resolve, reject) => {
        proc.child.on('message', (msg: any) => {
          if (msg.ready) return resolve();
          const p = pending.get(msg.id);
          if (!p) return;
          pending.delete(msg.id);
          if (msg.error) p.reject(new Error(msg.error));
          else p.resolve(msg.result);
        });
        proc.child.once('exit', (code) => {
          reject(new Error(`client exited ${code}: ${proc.output()}`));
          for (const p of pending.values()) p.reject(new Error(`client exited ${code}: ${proc.output().slice(-1000)}`));
        });
      });
      return {
        proc,
        call: (cmd, args = {}, timeoutMs = 120_000) =>
          new Promise((resolve, reject) => {
            const id = ++seq;
            const t = setTimeout(() => {
              pending.delete(id);
              reject(new Error(`client ${cmd} timed out after ${timeoutMs} ms`));
            }, timeoutMs);
            pending.set(id, {
              resolve: (v) => {
                clearTimeout(t);
                resolve(v);
              },
              reject: (e) => {
                clearTimeout(t);
                reject(e);
              },
            });
            proc.child.send({ id, cmd, ...args });
          }),
      } satisfies Client;
    }),
  );
}

export async function stopClients(clients: Client[]): Promise<void> {
  await Promise.all(clients.map((c) => c.call('close', {}, 10_000).catch(() => undefined)));
  await Promise.all(clients.map((c) => c.proc.stop()));
}

export interface BenchEnv {
  databaseUrl: string;
  redisUrl: string;
  /** REDIS_KEY_PREFIX of every node and worker of the run (flushed between scenarios). */
  redisPrefix: string;
  keys: BenchKeys;
  /** Environment of every API node / worker of the run. */
  nodeEnv: Record<string, string>;
  /** 1 = the full figures of the brief; smaller for development (`--scale=0.1`). */
  scale: number;
  log(line: string): void;
  /** Flushes Redis keys under the bench prefix between scenarios. */
  flushRedis(): Promise<void>;
}

export interface Row {
  metric: string;
  studysync: string | number;
  baseline: string | number;
  ratio: string;
  note?: string;
}

export type Status = 'ok' | 'partial' | 'failed' | 'timed out' | 'skipped';

export interface ScenarioResult {
  name: string;
  status: Status;
  seconds?: number;
  /** 1-, 5- and 15-minute load averages just before the scenario started (os.loadavg()). */
  loadAvg?: number[];
  rows: Row[];
  /** The machine-readable targets (bench/lib/checks.ts); empty for scenarios without. */
  checks: Check[];
  notes: string[];
  data?: object;
  /** With `--runs=N` (N > 1): every run's own result; the fields above are their medians. */
  runs?: ScenarioResult[];
}

export const ratio = (a: number, b: number): string => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : 'n/a');
export const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;

export async function flushPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Splits `members` into `n` slices keeping each group's members together. */
export function byGroupSlices<T extends { groupId: number }>(members: T[], n: number): T[][] {
  const groups = [...new Set(members.map((m) => m.groupId))];
  const slices: T[][] = Array.from({ length: n }, () => []);
  const index = new Map(groups.map((g, i) => [g, i % n]));
  for (const m of members) slices[index.get(m.groupId)!]!.push(m);
  return slices.filter((s) => s.length);
}
