import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { eventually } from './eventually';

const ROOT = path.resolve(__dirname, '..', '..');

export interface Proc {
  child: ChildProcess;
  port?: number;
  url?: string;
  output(): string;
  /** SIGKILL, no cleanup: a crashed node. */
  kill(): Promise<void>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function run(script: string, env: Record<string, string>): Proc {
  // `node --import tsx`: one process (the tsx CLI would fork a child that a SIGKILL of the parent leaves running).
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const done = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    output: () => out,
    kill: async () => {
      if (!done()) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (!done()) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** An API node in its own process; resolves once /readyz answers 200. */
export async function spawnApiNode(env: Record<string, string>): Promise<Proc> {
  const port = await freePort();
  const proc = run('src/bin/api.ts', { ...env, PORT: String(port) });
  proc.port = port;
  proc.url = `http://127.0.0.1:${port}`;
  try {
    await eventually(
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`api node exited: ${proc.output()}`);
        const res = await fetch(`${proc.url}/readyz`);
        if (res.status !== 200) throw new Error(`readyz ${res.status}`);
      },
      { timeout: 20_000, interval: 100 },
    );
  } catch (error) {
    await proc.kill();
    throw new Error(`api node did not start: ${(error as Error).message}\n${proc.output()}`);
  }
  return proc;
}

/** A worker in its own process; resolves once it logs "worker running". */
export async function spawnWorker(env: Record<string, string>): Promise<Proc> {
  const proc = run('workers/main.ts', { ...env, LOG_LEVEL: 'info' });
  await eventually(
    () => {
      if (proc.child.exitCode !== null) throw new Error(`worker exited: ${proc.output()}`);
      if (!proc.output().includes('worker running')) throw new Error('not yet');
    },
    { timeout: 20_000, interval: 100 },
  );
  return proc;
}
