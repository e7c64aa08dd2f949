import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs test/fixtures/crashing-main.ts (runMain around a failure) and parses its JSON log lines. */
function runCrashing(mode: 'rejection' | 'exception') {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/fixtures/crashing-main.ts'), mode], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const lines = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string; role?: string; err?: { type: string; message: string; stack: string } });
  return { status: result.status, signal: result.signal, lines, stderr: result.stderr };
}

describe('process-level errors in an entry point (src/lib/process.ts)', () => {
  jest.setTimeout(40_000);

  it.each([
    ['rejection', 'unhandled rejection: exiting', 'forced rejection from failLater'],
    ['exception', 'uncaught exception: exiting', 'forced exception from failLater'],
  ] as const)('when an unhandled %s happens after start, then it is logged as fatal with its stack and the process exits 1', (mode, msg, message) => {
    const { status, signal, lines, stderr } = runCrashing(mode);
    expect({ status, signal, stderr }).toEqual({ status: 1, signal: null, stderr: '' });
    const fatal = lines.filter((line) => line.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({ msg, role: 'crash-fixture', err: { type: 'Error', message } });
    // The stack names the function and file that failed, not only the message.
    expect(fatal[0]?.err?.stack).toMatch(new RegExp(`^Error: ${message}\\n\\s+at (\\S+\\.)?failLater \\(.*crashing-main\\.ts:\\d+:\\d+\\)`));
  });
});
