/**
 * Reads the tables of a Markdown file the way docs/API.md writes them: a header row, a
 * `| --- |` row, then one row per line; cells split on unescaped `|` (a `\|` stays in the
 * cell as `|`). Each table is returned with the heading it is under.
 */
export interface Table {
  heading: string;
  header: string[];
  rows: string[][];
}

const cells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));

export function markdownTables(markdown: string): Table[] {
  const tables: Table[] = [];
  const lines = markdown.split('\n');
  let heading = '';
  let inCode = false;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line.startsWith('```')) inCode = !inCode;
    if (inCode) continue;
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
    const next = lines[i + 1] ?? '';
    if (line.startsWith('|') && /^\|(\s*:?-{3,}:?\s*\|)+\s*$/.test(next)) {
      const table: Table = { heading, header: cells(line), rows: [] };
      i += 2;
      while (i < lines.length && (lines[i] ?? '').startsWith('|')) {
        table.rows.push(cells(lines[i] ?? ''));
        i += 1;
      }
      i -= 1;
      tables.push(table);
    }
  }
  return tables;
}

/** The tables whose header is exactly `header`. */
export const tablesWithHeader = (tables: Table[], header: string[]): Table[] => tables.filter((t) => t.header.join('|') === header.join('|'));

/** `` `GET /api/me` `` → `GET /api/me`. */
export const unquote = (cell: string): string => cell.replace(/^`|`$/g, '');

/**
 * The top-level fields of a `{a, b?, c: Shape|null, d: {x}}` cell: name → optional. Nested
 * braces and brackets are skipped; `?` after a name means it may be absent.
 */
export function fieldsOf(cell: string): Map<string, boolean> {
  const start = cell.indexOf('{');
  if (start < 0) throw new Error(`no {fields} in ${cell}`);
  let depth = 0;
  let current = '';
  const items: string[] = [];
  for (const ch of cell.slice(start)) {
    if (ch === '{' || ch === '[') {
      depth += 1;
      if (depth === 1) continue;
    }
    if (ch === '}' || ch === ']') {
      depth -= 1;
      if (depth === 0) {
        items.push(current);
        break;
      }
    }
    if (depth === 1 && ch === ',') {
      items.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  const fields = new Map<string, boolean>();
  for (const item of items) {
    const name = (item.split(':')[0] ?? '').trim();
    if (!name) continue;
    fields.set(name.replace(/\?$/, ''), name.endsWith('?'));
  }
  return fields;
}
