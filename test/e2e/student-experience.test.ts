/**
 * The web client as a student meets it, in Debian's Chromium: the first run (before and
 * after `npm run seed`), the seeded demo on a desktop and on a 390×844 phone, an
 * accessibility audit (axe-core, serious and critical violations) of every screen, and
 * the small things: no failed request on load, notifications that lead somewhere, days
 * in the user's time zone, sessions that name their group.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { Op } from 'sequelize';
import { runSeed } from '../../seeders/seed';
import { User } from '../../src/db/models';
import { createLogger } from '../../src/lib/logger';
import { eventually } from '../helpers/eventually';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { artifact, DESKTOP, ensureWebBuilt, launchBrowser, layoutOf, PHONE, placeholderFits, seriousA11yViolations, WEB_DIST } from './browser';

jest.setTimeout(120_000);

let app: TestApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pages: [string, Page][] = [];

/** A fresh browser profile; every failed response and console error of its pages is recorded. */
async function open(name: string, options: { viewport?: { width: number; height: number }; timezoneId?: string } = {}) {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, timezoneId: options.timezoneId });
  contexts.push(context);
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  pages.push([name, page]);
  const failures: string[] = [];
  page.on('response', (r: Response) => {
    if (r.status() >= 400) failures.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') failures.push(`console: ${m.text()}`);
  });
  page.on('dialog', (d) => void d.dismiss());
  return { page, failures };
}

async function signInAsDemo(page: Page, userId: string): Promise<void> {
  await page.goto(app.url);
  await page.getByTestId(`demo-${userId}`).click();
  await page.getByTestId('me').waitFor();
}

async function expectNoSeriousViolations(page: Page, screen: string): Promise<void> {
  const violations = await seriousA11yViolations(page);
  if (violations.length) await artifact(page, `a11y-${screen}`);
  expect({ screen, violations }).toEqual({ screen, violations: [] });
}

async function openGroup(page: Page, name: string): Promise<void> {
  await page.getByTestId('nav-groups').click();
  await page.getByTestId('my-groups').getByTestId('group-link').filter({ hasText: name }).click();
  await page.getByTestId('group-title').filter({ hasText: name }).waitFor();
  await page.locator('[data-testid="room-status"][data-state="live"]').waitFor();
  await page.getByTestId('chat-message').first().waitFor();
}

beforeAll(async () => {
  ensureWebBuilt();
  // No worker yet: the seed runs first (in this process, through the API node's models).
  [app, browser] = await Promise.all([startTestApp({ devAuth: true, env: { MIN_SESSION_SECONDS: '1', WEB_DIR: WEB_DIST } }), launchBrowser()]);
});

afterEach(async () => {
  const slug = (expect.getState().currentTestName ?? 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  for (const [name, page] of pages) if (!page.isClosed()) await artifact(page, `student-${slug}-${name}`);
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  await browser?.close();
  await app?.stop();
});

describe('first run', () => {
  test('when nothing is seeded yet, then the sign-in explains the dev sign-in and how to get demo people, offers none, and nothing fails to load', async () => {
    const { page, failures } = await open('first-run');
    await page.goto(app.url);
    await page.getByTestId('demo-empty').waitFor();
    expect(await page.getByTestId('demo-empty').textContent()).toContain('npm run seed');
    expect(await page.getByTestId('dev-explainer').textContent()).toMatch(/no password.*second browser/s);
    expect(await page.locator('[data-testid^="demo-user_"]').count()).toBe(0);
    await expectNoSeriousViolations(page, 'sign-in-empty');
    // Nothing can sign in as a seeded id before the seed made it: no such user exists.
    expect(await User.count({ where: { userId: { [Op.like]: 'user_seed_%' } } })).toBe(0);
    // No favicon 404, no 400 from a dev-token probe, no console error.
    expect(failures).toEqual([]);
    await page.close();
  });

  test('when the demo data is seeded, then each demo button names the person it signs in as, and the app shows who you are', async () => {
    await runSeed(app.node.ctx.sequelize, createLogger('silent'));
    await app.startWorker();
    await app.node.ctx.queues.maintenance.add('rebuild-leaderboards', {});

    const { page, failures } = await open('ana-desktop');
    await page.goto(app.url);
    const ana = page.getByTestId('demo-user_seed_001');
    await ana.waitFor();
    expect(await ana.textContent()).toContain('Ana Sato');
    expect(await ana.textContent()).toContain('@ana_sat1');
    expect(await ana.textContent()).toContain('Calculus II Study Hall');
    expect(await page.getByTestId('demo-user_seed_002').textContent()).toContain('Ben Brown');
    await expectNoSeriousViolations(page, 'sign-in');

    await ana.click();
    const me = page.getByTestId('me');
    await me.waitFor();
    expect(await me.textContent()).toContain('ana_sat1');
    expect(await me.textContent()).toContain('signed in as Ana Sato'); // read out to screen readers
    await me.click();
    const menu = page.getByTestId('account-menu');
    await menu.waitFor();
    expect(await menu.textContent()).toContain('Ana Sato');
    expect(await menu.textContent()).toContain('ana.sato1@studysync.example');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    expect(failures).toEqual([]);
  });
});

describe('the seeded demo on a desktop', () => {
  let page: Page;
  beforeAll(async () => {
    page = pages.find(([name]) => name === 'ana-desktop')![1];
  });

  test('when Ana walks through groups, room, leaderboard and stats, then no screen has a serious or critical accessibility violation', async () => {
    await page.getByTestId('nav-groups').click();
    await page.getByTestId('my-groups').getByTestId('group-link').first().waitFor();
    await page.getByTestId('discover-list').locator('[data-testid^="group-card-"]').first().waitFor();
    // Plurals and no "no match" before any search.
    for (const line of await page.getByTestId('group-members').allTextContents()) expect(line).not.toMatch(/\b1 members\b/);
    expect(await page.getByTestId('discover-empty').count()).toBe(0);
    await expectNoSeriousViolations(page, 'groups');
    await page.getByTestId('create-open').click();
    await page.getByTestId('create-name').waitFor();
    await expectNoSeriousViolations(page, 'groups-create');

    await openGroup(page, 'Calculus II Study Hall');
    await page.getByTestId('reply-quote').first().waitFor();
    await expectNoSeriousViolations(page, 'room');

    await page.getByTestId('tab-leaderboard').click();
    await page.getByTestId('leaderboard-entry').first().waitFor({ timeout: 30_000 });
    await expectNoSeriousViolations(page, 'leaderboard');

    await page.getByTestId('tab-resources').click();
    await page.locator('[data-testid^="folder-"]').first().waitFor();
    await expectNoSeriousViolations(page, 'resources');

    await page.getByTestId('nav-stats').click();
    await page.getByTestId('stats-bar').first().waitFor();
    await page.getByTestId('session').first().waitFor();
    await expectNoSeriousViolations(page, 'stats');

    await page.getByTestId('notif-bell').click();
    await page.getByTestId('notif-item').first().waitFor();
    await expectNoSeriousViolations(page, 'notifications');
    await page.keyboard.press('Escape');
  });

  test('when Ana opens her stats, then days follow her time zone and each session names its group', async () => {
    await page.getByTestId('nav-stats').click();
    await page.getByTestId('session').first().waitFor();
    // Seeded Ana lives in Paris (preferences.timezone); the page says so, not "UTC".
    expect(await page.getByTestId('stats-timezone').textContent()).toContain('Europe/Paris');
    const groups = await page.getByTestId('session-group').allTextContents();
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect(['Calculus II Study Hall', 'CS 161 Algorithms', 'On my own']).toContain(g);
    expect(groups.some((g) => g !== 'On my own')).toBe(true);
  });

  test('when Ana chooses a notification, then the panel closes, it is read, and its group opens', async () => {
    await page.getByTestId('nav-groups').click();
    const before = Number((await page.getByTestId('notif-count').textContent()) || '0');
    expect(before).toBeGreaterThan(0);
    await page.getByTestId('notif-bell').click();
    const unread = page.locator('[data-testid="notif-item"].unread').first();
    await unread.waitFor();
    expect(await unread.textContent()).toContain('mentioned');
    await unread.click();
    await page.getByTestId('notif-panel').waitFor({ state: 'hidden' });
    await page.getByTestId('group-page').waitFor();
    expect(page.url()).toMatch(/#\/g\/\d+$/);
    await eventually(async () => expect(Number((await page.getByTestId('notif-count').textContent()) || '0')).toBe(before - 1));
  });

  test('when someone new signs in, then their days follow the device time zone', async () => {
    const { page: fresh } = await open('new-user', { timezoneId: 'America/New_York' });
    await fresh.goto(app.url);
    await fresh.getByTestId('signin-new').locator('summary').click();
    await fresh.getByTestId('signin-userid').fill('user_e2e_newcomer');
    await fresh.getByTestId('signin-username').fill('newcomer');
    await fresh.getByTestId('signin-email').fill('newcomer@example.com');
    await fresh.getByTestId('signin-submit').click();
    await fresh.getByTestId('me').waitFor();
    await eventually(async () => expect((await User.findByPk('user_e2e_newcomer'))?.preferences).toMatchObject({ timezone: 'America/New_York' }));
    await fresh.getByTestId('nav-stats').click();
    await eventually(async () => expect(await fresh.getByTestId('stats-timezone').textContent()).toContain('America/New_York'));
    await fresh.close();
  });
});

describe('the seeded demo on a 390×844 phone', () => {
  let ana: Page;
  let ben: Page;

  test('when Ana and Ben study in one room on phones, then nothing overflows, bars stay one row, and timer, people and chat input are reachable', async () => {
    const anaOpen = await open('ana-phone', { viewport: PHONE });
    const benOpen = await open('ben-phone', { viewport: PHONE });
    ana = anaOpen.page;
    ben = benOpen.page;
    await Promise.all([signInAsDemo(ana, 'user_seed_001'), signInAsDemo(ben, 'user_seed_002')]);
    await Promise.all([openGroup(ana, 'Calculus II Study Hall'), openGroup(ben, 'Calculus II Study Hall')]);
    // Both study, so the top bar carries its widest content (the running-timer pill).
    for (const p of [ana, ben]) {
      await p.getByTestId('timer-toggle').click();
      await p.locator('[data-testid="timer-toggle"][data-running="true"]').waitFor();
    }
    await ana.getByTestId(`member-user_seed_002`).getByTestId('member-elapsed').waitFor();
    await ana.getByTestId('my-timer-pill').waitFor();

    const room = await layoutOf(ana, {
      topbar: '[data-testid="topbar"]',
      tabs: '[data-testid="group-tabs"]',
      pill: '[data-testid="room-status"]',
      title: '.title-row',
      timer: '[data-testid="my-timer"]',
      timerButton: '[data-testid="timer-toggle"]',
      peer: '[data-testid="member-user_seed_002"]',
      peerClock: '[data-testid="member-user_seed_002"] [data-testid="member-elapsed"]',
    });
    expect(room.viewport).toEqual(PHONE);
    expect(room.scrollWidth).toBeLessThanOrEqual(room.clientWidth);
    // One row each: every visible child of the top bar, the tabs and the title row sits on the same line.
    for (const bar of ['topbar', 'tabs', 'title'] as const) expect({ bar, rows: new Set(room.rows[bar]).size }).toEqual({ bar, rows: 1 });
    expect(room.boxes.topbar!.height).toBeLessThanOrEqual(64);
    expect(room.boxes.pill!.height).toBeLessThanOrEqual(28); // "Live" on one line
    // Timer and peers come first, inside the screen's width, without scrolling sideways.
    for (const key of ['timer', 'timerButton', 'peer', 'peerClock'] as const) {
      const b = room.boxes[key]!;
      expect({ key, left: b.x >= 0, right: b.x + b.width <= PHONE.width }).toEqual({ key, left: true, right: true });
    }
    expect(room.boxes.timer!.y + room.boxes.timer!.height).toBeLessThanOrEqual(PHONE.height);
    expect(await placeholderFits(ana, '[data-testid="timer-notes"]')).toBe(true);

    // The chat input: scrolled to, it is whole on screen and its placeholder is not cut.
    const input = ana.getByTestId('chat-input');
    await input.scrollIntoViewIfNeeded();
    const box = (await input.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
    expect(await placeholderFits(ana, '[data-testid="chat-input"]')).toBe(true);
    const send = (await ana.getByTestId('chat-send').boundingBox())!;
    expect(send.x + send.width).toBeLessThanOrEqual(PHONE.width);
    await input.fill('On my phone — problem set 1, question 4');
    await input.press('Enter');
    await ben.getByTestId('chat-message').filter({ hasText: 'On my phone' }).waitFor();
    await expectNoSeriousViolations(ana, 'phone-room');

    await ana.getByTestId('tab-leaderboard').click();
    await ana.getByTestId('leaderboard-entry').first().waitFor();
    const board = await layoutOf(ana, { periods: '[data-testid="period-tabs"]', tabs: '[data-testid="group-tabs"]' });
    expect(board.scrollWidth).toBeLessThanOrEqual(board.clientWidth);
    expect(new Set(board.rows.periods).size).toBe(1);
    expect(board.boxes.periods!.x + board.boxes.periods!.width).toBeLessThanOrEqual(PHONE.width);
    await expectNoSeriousViolations(ana, 'phone-leaderboard');

    for (const [nav, ready] of [
      ['nav-stats', 'stats-bar'],
      ['nav-groups', 'group-link'],
    ] as const) {
      await ana.getByTestId(nav).click();
      await ana.getByTestId(ready).first().waitFor();
      const page = await layoutOf(ana, { topbar: '[data-testid="topbar"]' });
      expect({ nav, scroll: page.scrollWidth <= page.clientWidth, rows: new Set(page.rows.topbar).size }).toEqual({ nav, scroll: true, rows: 1 });
    }
    await ana.getByTestId('notif-bell').click();
    await ana.getByTestId('notif-panel').waitFor();
    const panel = (await ana.getByTestId('notif-panel').boundingBox())!;
    expect(panel.x).toBeGreaterThanOrEqual(0);
    expect(panel.x + panel.width).toBeLessThanOrEqual(PHONE.width);
    expect(anaOpen.failures).toEqual([]);
    expect(benOpen.failures).toEqual([]);
  });
});

test('the production build ships no source map', () => {
  const assets = fs.readdirSync(path.join(WEB_DIST, 'assets'));
  expect(assets.filter((f) => f.endsWith('.map'))).toEqual([]);
  for (const f of assets.filter((f) => f.endsWith('.js'))) expect(fs.readFileSync(path.join(WEB_DIST, 'assets', f), 'utf8')).not.toContain('sourceMappingURL');
});
