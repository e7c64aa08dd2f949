import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** What `npm run build:server` compiles, and the settings it compiles with. */
const INPUTS = ['src', 'workers', 'migrations', 'seeders', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
/** Written by every successful build (tsc emits nothing on a type error: noEmitOnError). */
const MARKER = path.join(ROOT, 'dist', 'src', 'bin', 'api.js');

/** Newest modification time under `entry`, directories included (an added, removed or renamed file changes its folder's). */
function newestMtime(entry: string): number {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

/** Why dist/ must be rebuilt before it is run, or undefined when it is up to date. */
export function staleReason(): string | undefined {
  const built = fs.statSync(MARKER, { throwIfNoEntry: false });
  if (!built) return 'dist/ is missing';
  const changed = INPUTS.find((input) => newestMtime(path.join(ROOT, input)) > built.mtimeMs);
  return changed ? `${changed} changed since the last build` : undefined;
}

let checked = false;

/**
 * Makes sure dist/ holds a build of the current sources (`npm run build:server` when it
 * is missing or older than any source), once per process: the bench and the drill run
 * the production build, `node dist/…`, as the Dockerfile does.
 */
export function ensureServerBuild(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): void {
  if (checked) return;
  const reason = staleReason();
  if (reason) {
    log(`building the server (${reason}): npm run build:server`);
    try {
      execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build:server'], { cwd: ROOT, stdio: 'pipe' });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(`npm run build:server failed:\n${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`);
    }
  }
  checked = true;
}
