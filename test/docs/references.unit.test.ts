import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The docs are self-contained: every relative link of README.md, docs/*.md and
 * workers/README.md (and its #anchor) resolves inside the repository, no link leaves it
 * for a file of this machine, and every file a doc or a code comment cites by name exists
 * in the repository.
 */

const root = path.resolve(__dirname, '..', '..');
/** The committed files (and new ones not yet ignored): what a clean clone has. */
const repoFiles: string[] = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file && fs.existsSync(path.join(root, file)));
const fileSet = new Set(repoFiles);
const dirSet = new Set(
  repoFiles.flatMap((file) =>
    file
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
  ),
);
const basenames = new Set(repoFiles.map((file) => path.basename(file)));

const docs = repoFiles.filter((file) => file === 'README.md' || file === 'workers/README.md' || /^docs\/[^/]+\.md$/.test(file));
const code = repoFiles.filter(
  (file) => /^(src|workers|test|bench|migrations|seeders|web\/src|deploy)\/.*\.(ts|mts|js|conf|sh)$/.test(file) || file === 'Dockerfile',
);

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
const anchorsOf = (file: string): Set<string> =>
  new Set(
    fs
      .readFileSync(path.join(root, file), 'utf8')
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => slug(line.replace(/^#+ /, ''))),
  );

const exists = (relative: string): boolean => fileSet.has(relative) || dirSet.has(relative.replace(/\/$/, ''));

describe('links and file references', () => {
  it.each(docs)('when the relative links of %s are followed, then each reaches a file (and heading) of the repository', (doc) => {
    const text = fs.readFileSync(path.join(root, doc), 'utf8');
    const broken: string[] = [];
    for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target)) {
        if (!/^https?:\/\//.test(target)) broken.push(`${target} (not a web link)`);
        continue;
      }
      const [file = '', anchor] = target.split('#');
      const resolved = file ? path.posix.normalize(path.posix.join(path.posix.dirname(doc), file)) : doc;
      if (resolved.startsWith('..') || path.isAbsolute(file)) broken.push(`${target} (outside the repository)`);
      else if (!exists(resolved)) broken.push(`${target} (no such file)`);
      else if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) broken.push(`${target} (no such heading)`);
    }
    expect(broken).toEqual([]);
  });

  /** Paths (`src/lib/config.ts`, `docs/API.md`) and file names (`chat.rules.ts`, `REALTIME.md`) cited in a text (not `x.json.tmp`: another extension follows). */
  const citations = (text: string): string[] => {
    const found = new Set<string>();
    for (const [name = ''] of text.matchAll(/(?<![\w./*<{-])(?:[\w.-]+\/)*[\w-]+(?:\.[\w-]+)*\.(?:ts|mts|md|json|ya?ml|sql|conf|sh|html|css)\b(?!\.\w)/g)) {
      // `express.json()` and the like are code, not files: a JSON file is cited with its folder or a dash.
      if (name.endsWith('.json') && !/[/-]/.test(name)) continue;
      found.add(name);
    }
    return [...found];
  };
  /** A cited path exists from the root or beside the citing file; a bare file name exists somewhere. */
  const resolves = (citing: string, name: string): boolean => {
    if (name.includes('/')) {
      const candidates = [name, path.posix.join(path.posix.dirname(citing), name), path.posix.join('docs', name)];
      return candidates.some((candidate) => exists(path.posix.normalize(candidate)) || [...fileSet].some((file) => file.endsWith(`/${name}`)));
    }
    return basenames.has(name);
  };
  /** Names of files that are made, not committed (build output, test artifacts). */
  const GENERATED = new Set(['openapi.json', 'asyncapi.json', 'index.html', 'results.json', 'report.md', 'tsconfig.tsbuildinfo']);

  /** The headings of the Markdown file `name` (cited from `citing`), lower case; undefined when it is not one file of the repository. */
  const headingsOf = (citing: string, name: string): string[] | undefined => {
    const file = [name, path.posix.join(path.posix.dirname(citing), name), path.posix.join('docs', name)]
      .map((candidate) => path.posix.normalize(candidate))
      .find((candidate) => fileSet.has(candidate));
    if (!file) return undefined;
    return fs
      .readFileSync(path.join(root, file), 'utf8')
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => line.replace(/^#+ /, '').replace(/`/g, '').toLowerCase());
  };

  it('when a doc or a code comment cites a section (`API.md "Errors"`), then that file has such a heading', () => {
    const broken: string[] = [];
    for (const file of [...docs, ...code]) {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      for (const [, name = '', section = ''] of text.matchAll(/((?:[\w.-]+\/)*[\w-]+\.md),? "([^"\n]+)"/g)) {
        const headings = headingsOf(file, name);
        if (headings && !headings.some((heading) => heading.startsWith(section.toLowerCase().replace(/`/g, '')))) broken.push(`${file}: ${name} "${section}"`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('when the docs cite files by name, then each is in the repository', () => {
    const missing = docs.flatMap((doc) =>
      citations(fs.readFileSync(path.join(root, doc), 'utf8'))
        .filter((name) => !GENERATED.has(path.basename(name)) && !name.startsWith('dist/') && !name.includes('node_modules'))
        .filter((name) => !resolves(doc, name))
        .map((name) => `${doc}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('when code comments cite files by name, then each is in the repository, and none points outside it', () => {
    const missing: string[] = [];
    for (const file of code) {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      const comments = [...text.matchAll(/\/\*[\s\S]*?\*\/|(?<![:"'`\\])\/\/.*$|^\s*#.*$/gm)].map((m) => m[0]).join('\n');
      if (/\/work\/|shared\/spec/.test(comments)) missing.push(`${file}: a path outside the repository`);
      for (const name of citations(comments)) {
        if (GENERATED.has(path.basename(name)) || name.startsWith('dist/') || name.includes('node_modules')) continue;
        if (!resolves(file, name)) missing.push(`${file}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
