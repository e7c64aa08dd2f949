/**
 * Daily goal and streak widgets in a real browser (issue 16): the goal ring in the room
 * fills while a session runs and stays full once the worker has stored it (the
 * `goal:met` event arrives as a toast), and the stats page shows the ring, the streak
 * flame with the freezes held, and the year heatmap with today marked as a goal day.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { forgetUser } from '../../src/components/users';
import { User } from '../../src/db/models';
import { BURSTING_TEST_LIMITS, startTestApp, type TestApp } from '../helpers/test-app';
import { insertSession } from '../sessions/fixtures';
import { artifact, DESKTOP, ensureWebBuilt, launchBrowser, WEB_DIST } from './browser';

jest.setTimeout(90_000);

const run = Date.now().toString(36);
const carol = { userId: `user_e2e_goal_${run}`, username: `carol_${run}`, email: `carol_${run}@example.com` };

let app: TestApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ensureWebBuilt();
  [app, browser] = await Promise.all([
    startTestApp({ devAuth: true, worker: true, env: { ...BURSTING_TEST_LIMITS, MIN_SESSION_SECONDS: '1', WEB_DIR: WEB_DIST } }),
    launchBrowser(),
  ]);
  context = await browser.newContext({ viewport: DESKTOP, timezoneId: 'UTC' });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
});

afterEach(async () => {
  const slug = (expect.getState().currentTestName ?? 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
  if (page) await artifact(page, `goals-${slug}`);
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await app?.stop();
});

describe('daily goal in the browser', () => {
  test('when a session takes today over the goal, then the room ring fills, goal:met is shown, and stats show the ring, flame and heatmap', async () => {
    await page.goto(app.url);
    if ((await page.getByTestId('signin-new').getAttribute('open')) === null) await page.getByTestId('signin-new').locator('summary').click();
    await page.getByTestId('signin-userid').fill(carol.userId);
    await page.getByTestId('signin-username').fill(carol.username);
    await page.getByTestId('signin-email').fill(carol.email);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('me').waitFor();

    // A 1-minute goal, 59 s of it already studied today (history written straight into the table).
    // The sign-in cached carol's row on the node: a write behind the app's back tells the
    // identity cache, as every write of the app does (else the page may read no goal for 60 s).
    await User.update({ preferences: { timezone: 'UTC', dailyGoalMinutes: 1 } }, { where: { userId: carol.userId } });
    await forgetUser(app.node.ctx, carol.userId);
    await insertSession(app.node.ctx, carol.userId, new Date(Date.now() - 120_000), 59);

    await page.getByTestId('create-open').click();
    await page.getByTestId('create-name').fill(`Goal circle ${run}`);
    await page.getByTestId('create-submit').click();
    await page.locator('[data-testid="room-status"][data-state="live"]').waitFor();

    const ring = page.getByTestId('goal-ring');
    await page.locator('[data-testid="goal-ring"][data-met="false"]').waitFor();
    expect(Number(await ring.getAttribute('data-progress'))).toBeGreaterThanOrEqual(90);

    await page.getByTestId('timer-toggle').click();
    await page.locator('[data-testid="timer-toggle"][data-running="true"]').waitFor();
    // The ring fills with the running time…
    await page.locator('[data-testid="goal-ring"][data-met="true"]').waitFor();
    await page.getByTestId('timer-toggle').click();
    await page.locator('[data-testid="timer-toggle"][data-running="false"]').waitFor();
    // …the worker stores the session and the server says the goal is met, once.
    await page.getByTestId('toast').filter({ hasText: 'Daily goal met' }).waitFor();
    await page.locator('[data-testid="goal-ring"][data-met="true"][data-progress="100"]').waitFor();

    await page.getByTestId('nav-stats').click();
    await page.locator('[data-testid="stats-goal-ring"][data-met="true"]').waitFor();
    await page.getByTestId('streak-flame').waitFor();
    expect(await page.getByTestId('stat-streak').textContent()).toBe('1 day');
    expect(await page.getByTestId('streak-freezes').textContent()).toContain('0 freezes');
    await page.getByTestId('heatmap').waitFor();
    expect(await page.getByTestId('heatmap-day').count()).toBe(366);
    const today = new Date().toISOString().slice(0, 10);
    const cell = page.locator(`[data-testid="heatmap-day"][data-date="${today}"]`);
    expect(await cell.getAttribute('data-goal-met')).toBe('true');
    expect(Number(await cell.getAttribute('data-seconds'))).toBeGreaterThanOrEqual(60);
    expect(await page.locator('[data-testid="heatmap-day"][data-goal-met="true"]').count()).toBe(1);
  });
});
