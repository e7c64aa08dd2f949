import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '..', '..');
export const WEB_DIST = path.join(ROOT, 'web', 'dist');
/** The README's pictures: written only by `npm run screenshots` (test/e2e/screenshots.ts), never by tests. */
export const SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');
/** Where browser tests may leave pictures and reports (ignored by git). */
export const ARTIFACTS = path.join(ROOT, 'test-results', 'e2e');
/** Debian's Chromium (`apt-get install chromium`); override with CHROMIUM_PATH. Never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const DESKTOP = { width: 1280, height: 820 } as const;
/** A common phone (iPhone 12–15 class) in CSS pixels. */
export const PHONE = { width: 390, height: 844 } as const;

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

/** Builds web/dist with Vite unless it is newer than every source file (about 1 s when needed). */
export function ensureWebBuilt(): void {
  const web = path.join(ROOT, 'web');
  const index = path.join(WEB_DIST, 'index.html');
  const sources = Math.max(
    newestMtime(path.join(web, 'src')),
    // The server's code the client bundles (the permission policy).
    newestMtime(path.join(ROOT, 'src', 'shared')),
    newestMtime(path.join(web, 'public')),
    newestMtime(path.join(web, 'index.html')),
    newestMtime(path.join(web, 'vite.config.mts')),
  );
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A picture of the page for a person looking into a failure (test-results/e2e, ignored by git). */
export async function artifact(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) }).catch(() => undefined);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

const AXE_SOURCE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

/**
 * Runs axe-core (the npm package) inside the page and returns its serious and critical
 * violations, each with the selectors of the offending elements. `page.evaluate` is not
 * subject to the page's CSP, so the app's own policy stays as it is in production.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (globalThis as any).axe !== 'undefined');
  if (!loaded) await page.evaluate(fs.readFileSync(AXE_SOURCE, 'utf8'));
  const violations = await page.evaluate(async () => {
    const g = globalThis as any;
    // Judge the settled page: a fade in progress (e.g. a message's actions appearing under
    // the pointer) has a contrast of its own for 150 ms. Endless animations are not waited for.
    const running = (g.document.getAnimations() as any[]).filter((a) => a.effect?.getComputedTiming?.().iterations !== Number.POSITIVE_INFINITY);
    await Promise.all(running.map((a) => a.finished.catch(() => undefined)));
    const result: { violations: any[] } = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id as string,
      impact: v.impact as string | null,
      help: v.help as string,
      nodes: (v.nodes as { target: string[] }[]).map((n) => n.target.join(' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Layout facts of the page as a phone user sees it (all in CSS pixels). */
export async function layoutOf(
  page: Page,
  selectors: Record<string, string>,
): Promise<{
  scrollWidth: number;
  clientWidth: number;
  viewport: { width: number; height: number };
  boxes: Record<string, Box | null>;
  /** Per selector: the tops of its visible children (one distinct value = one row). */
  rows: Record<string, number[]>;
}> {
  // Runs in the page (this project's tsconfig has no DOM types: the page's globals are reached through globalThis).
  return page.evaluate((sel) => {
    const g = globalThis as any;
    const document = g.document;
    const box = (el: any): Box | null => {
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const boxes: Record<string, Box | null> = {};
    const rows: Record<string, number[]> = {};
    for (const [name, s] of Object.entries(sel)) {
      const el = document.querySelector(s);
      boxes[name] = box(el);
      const tops = [...(el?.children ?? [])]
        // In the flow only (a skip link parked off-screen or a dropdown is not part of a row).
        .filter((c: any) => c.offsetParent !== null && c.getBoundingClientRect().width > 0 && !['absolute', 'fixed'].includes(g.getComputedStyle(c).position))
        .map((c: any) => Math.round(c.getBoundingClientRect().top + c.getBoundingClientRect().height / 2));
      rows[name] = tops;
    }
    return {
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      viewport: { width: g.innerWidth as number, height: g.innerHeight as number },
      boxes,
      rows,
    };
  }, selectors);
}

/** Whether an input's placeholder fits inside it (not cut off), measured with its own font. */
export async function placeholderFits(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((s) => {
    const g = globalThis as any;
    const document = g.document;
    const input = document.querySelector(s);
    const style = g.getComputedStyle(input);
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return ctx.measureText(input.placeholder).width <= room;
  }, selector);
}
