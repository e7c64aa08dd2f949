import fs from 'node:fs';
import path from 'node:path';

/**
 * The web client reaches the server's code only through `src/shared/` (Node-free), and
 * the contract (`src/shared/contract/`, which imports zod) only through type-only imports:
 * nothing of zod or of the server enters its bundle, and `tsc -p web` checks the contract
 * under the browser's libraries. Follows every relative import from web/src.
 */

const root = path.resolve(__dirname, '..', '..');
const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

function resolve(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [base, `${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
}

function walk(): { reached: Set<string>; valueImportsOfContract: string[] } {
  const reached = new Set<string>();
  const valueImportsOfContract: string[] = [];
  const queue = fs
    .readdirSync(path.join(root, 'web', 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(root, 'web', 'src', file));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const [, , typeOnly, specifier = ''] of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (!specifier.startsWith('.')) continue;
      const target = resolve(file, specifier);
      if (!target) throw new Error(`${path.relative(root, file)}: cannot resolve ${specifier}`);
      const inContract = path.relative(root, target).startsWith(path.join('src', 'shared', 'contract'));
      const fromWeb = path.relative(root, file).startsWith(`web${path.sep}`);
      // Inside the contract, files import each other freely (the whole folder is types to the web).
      if (inContract && fromWeb && !typeOnly) valueImportsOfContract.push(`${path.relative(root, file)} → ${specifier}`);
      if (inContract && fromWeb) {
        reached.add(target);
        continue;
      }
      queue.push(target);
    }
  }
  return { reached, valueImportsOfContract };
}

describe('what the web client imports', () => {
  it('when its imports are followed, then it reaches only web/ and src/shared/, and the contract only as types', () => {
    const { reached, valueImportsOfContract } = walk();
    const outside = [...reached].map((file) => path.relative(root, file)).filter((file) => !file.startsWith(`web${path.sep}`));
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.filter((file) => !file.startsWith(path.join('src', 'shared') + path.sep))).toEqual([]);
    expect(valueImportsOfContract).toEqual([]);
  });
});
