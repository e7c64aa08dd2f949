/**
 * Results of several runs of one scenario → one result of medians, and the markdown of
 * results. A figure is a table cell; cells of the same metric are combined number by
 * number ("12.1 / 30.5 / 80.2" of three runs → the median of each of the three
 * numbers), so composite cells and ratios keep their shape. Checks take the median of
 * their values (bench/lib/checks.ts, `medianCheck`).
 */
import { medianCheck, type Check } from './checks';
import type { Row, ScenarioResult, Status } from './harness';

const NUMBER = /-?\d+(?:\.\d+)?/g;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const tidy = (x: number): number => (Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 100) / 100);
const decimals = (token: string): number => (token.includes('.') ? token.length - token.indexOf('.') - 1 : 0);

/** The median of one cell over runs, number by number when the cells have the same shape. */
export function medianCell(values: Array<string | number>): string | number {
  if (values.length === 1) return values[0]!;
  if (values.every((v) => typeof v === 'number')) return tidy(median(values as number[]));
  const texts = values.map(String);
  const shapes = texts.map((t) => t.replace(NUMBER, '#'));
  if (shapes.some((s) => s !== shapes[0])) return texts.join(' · ');
  const tokens = texts.map((t) => t.match(NUMBER) ?? []);
  let k = 0;
  return shapes[0]!.replace(/#/g, () => {
    const i = k++;
    // As many decimals as the runs printed ("1.00×" stays "1.00×").
    const places = Math.min(2, Math.max(...tokens.map((t) => decimals(t[i]!))));
    return median(tokens.map((t) => Number(t[i]))).toFixed(places);
  });
}

const SEVERITY: Status[] = ['ok', 'skipped', 'partial', 'timed out', 'failed'];

/** One result of medians from the runs of a scenario; every run kept under `runs`. */
export function combineRuns(name: string, scale: number, runs: ScenarioResult[]): ScenarioResult {
  if (runs.length === 1) return runs[0]!;
  const metrics: string[] = [];
  for (const r of runs) for (const row of r.rows) if (!metrics.includes(row.metric)) metrics.push(row.metric);
  const rows: Row[] = metrics.map((metric) => {
    const cells = runs.map((r) => r.rows.find((x) => x.metric === metric)).filter((x): x is Row => x !== undefined);
    const notes = [...new Set(cells.map((c) => c.note).filter(Boolean))];
    return {
      metric: cells.length < runs.length ? `${metric} (${cells.length} of ${runs.length} runs)` : metric,
      studysync: medianCell(cells.map((c) => c.studysync)),
      baseline: medianCell(cells.map((c) => c.baseline)),
      ratio: String(medianCell(cells.map((c) => c.ratio))),
      ...(notes.length ? { note: notes.join('; ') } : {}),
    };
  });
  const status = runs.map((r) => r.status).reduce((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a), 'ok' as Status);
  return {
    name,
    status,
    seconds: Math.round(runs.reduce((a, r) => a + (r.seconds ?? 0), 0) * 10) / 10,
    rows,
    checks: medianCheck(
      name,
      scale,
      runs.map((r) => r.checks),
    ),
    // A note every run wrote alike is said once; the others name their run.
    notes: [
      ...runs[0]!.notes.filter((n) => runs.every((r) => r.notes.includes(n))),
      ...runs.flatMap((r, i) => r.notes.filter((n) => !runs.every((x) => x.notes.includes(n))).map((n) => `run ${i + 1}: ${n}`)),
    ],
    runs,
  };
}

const fmt = (x: number | undefined): string => (x === undefined ? '?' : x.toFixed(2));

function checksTable(checks: Check[]): string {
  if (!checks.length) return '';
  return `| check | value | target | met | from |\n| --- | --- | --- | --- | --- |\n${checks
    .map((c) => `| \`${c.id}\` | ${c.value ?? 'n/a'} | ${c.target} | ${c.met ? 'yes' : '**no**'} | ${c.detail ?? ''} |`)
    .join('\n')}\n`;
}

export function markdownFor(results: ScenarioResult[]): string {
  return results
    .map((r) => {
      const runs = r.runs ?? [r];
      const when = runs.map((x) => `${x.seconds ?? '?'} s, load ${fmt(x.loadAvg?.[0])}`).join('; ');
      const head = `### ${r.name} — ${r.status}${runs.length > 1 ? ` (median of ${runs.length} runs: ${when})` : ` (${when})`}\n\n`;
      const table = r.rows.length
        ? `| metric | StudySync | baseline | ratio |\n| --- | --- | --- | --- |\n${r.rows.map((x) => `| ${x.metric} | ${x.studysync} | ${x.baseline} | ${x.ratio}${x.note ? ` (${x.note})` : ''} |`).join('\n')}\n`
        : '';
      const checks = r.checks.length ? `\n${checksTable(r.checks)}` : '';
      const notes = r.notes.length ? `\n${r.notes.map((n) => `- ${n}`).join('\n')}\n` : '';
      return head + table + checks + notes;
    })
    .join('\n');
}

/** Every check of the results, in scenario order. */
export const allChecks = (results: ScenarioResult[]): Check[] => results.flatMap((r) => r.checks);

export function checksSummary(results: ScenarioResult[]): string {
  const checks = allChecks(results);
  if (!checks.length) return '';
  return `**Checks: ${checks.filter((c) => c.met).length} of ${checks.length} met.**\n\n${checksTable(checks)}`;
}
