/**
 * The web client end to end in a real browser (Debian's Chromium via playwright-core):
 * two people in two browser contexts share one study room.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eventually } from '../helpers/eventually';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { ensureWebBuilt, launchBrowser, SCREENSHOTS, WEB_DIST } from './browser';

jest.setTimeout(90_000);

const run = Date.now().toString(36);
const alice = { userId: `user_e2e_a_${run}`, username: `alice_${run}`, email: `alice_${run}@example.com` };
const bob = { userId: `user_e2e_b_${run}`, username: `bob_${run}`, email: `bob_${run}@example.com` };
const groupName = `Algorithms circle ${run}`;

let app: TestApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
const dialogs: string[] = [];
let a: Page;
let b: Page;

async function openAs(user: typeof alice): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
  contexts.push(context);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(app.url);
  await page.getByTestId('signin-userid').fill(user.userId);
  await page.getByTestId('signin-username').fill(user.username);
  await page.getByTestId('signin-email').fill(user.email);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('me').waitFor();
  return page;
}

const text = async (page: Page, testid: string): Promise<string> => (await page.getByTestId(testid).first().textContent()) ?? '';

beforeAll(async () => {
  ensureWebBuilt();
  [app, browser] = await Promise.all([startTestApp({ devAuth: true, worker: true, env: { MIN_SESSION_SECONDS: '1', WEB_DIR: WEB_DIST } }), launchBrowser()]);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

/** On a failure the UI's error toasts say which backend call went wrong. */
afterEach(async () => {
  for (const [name, page] of [
    ['alice', a],
    ['bob', b],
  ] as const) {
    const toasts = await page
      ?.locator('.toast.error')
      .allTextContents()
      .catch(() => []);
    if (toasts?.length) console.log(`${name}'s error toasts:`, toasts);
  }
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  await browser?.close();
  await app?.stop();
});

describe('study room in two browsers', () => {
  test('when Alice creates a group with a resource and Bob joins it from discovery, then both are in the room', async () => {
    a = await openAs(alice);
    await a.getByTestId('create-name').fill(groupName);
    await a.getByTestId('create-description').fill('Graphs, trees and dynamic programming — one chapter a day.');
    await a.getByTestId('create-submit').click();
    await a.getByTestId('group-title').filter({ hasText: groupName }).waitFor();

    await a.getByTestId('tab-resources').click();
    await a.getByTestId('res-title').fill('Binary Trees Tutorial');
    await a.getByTestId('res-url').fill('https://example.com/binary-trees');
    await a.getByTestId('add-resource').locator('button[type=submit]').click();
    await a.locator('[data-testid^="progress-slider-"]').first().waitFor();
    await a.getByTestId('tab-room').click();

    b = await openAs(bob);
    await b.getByTestId('discover-search').fill(run);
    const card = b.locator('[data-testid^="group-card-"]', { hasText: groupName });
    await card.getByTestId('join-group').click();
    await b.getByTestId('group-title').filter({ hasText: groupName }).waitFor();
    await b.getByTestId('room-status').filter({ hasText: 'live' }).waitFor();

    // Alice sees Bob arrive, online.
    await a.locator(`[data-testid="member-${bob.userId}"][data-online="true"]`).waitFor();
  });

  test('when Alice starts her timer, then Bob sees her online with a ticking timer', async () => {
    await a.getByTestId('timer-toggle').click();
    await a.locator('[data-testid="timer-toggle"][data-running="true"]').waitFor();

    const aliceRow = b.locator(`[data-testid="member-${alice.userId}"]`);
    await b.locator(`[data-testid="member-${alice.userId}"][data-online="true"]`).waitFor();
    const elapsed = aliceRow.getByTestId('member-elapsed');
    await elapsed.waitFor();
    const first = await elapsed.textContent();
    await eventually(async () => expect(await elapsed.textContent()).not.toBe(first), { timeout: 5000 });
    expect(await elapsed.textContent()).toMatch(/^\d\d:\d\d:\d\d$/);
  });

  test('when Bob sends messages, then Alice sees them, and markup from a user is shown as text', async () => {
    const xss = '<img src=x onerror=alert(1)>';
    for (const line of ['Morning! Starting chapter 4 (graphs) now', xss]) {
      await b.getByTestId('chat-input').fill(line);
      await b.getByTestId('chat-input').press('Enter');
      await b.getByTestId('chat-message').filter({ hasText: line }).waitFor();
    }
    await a.getByTestId('chat-message').filter({ hasText: 'Starting chapter 4' }).waitFor();
    const shown = a.getByTestId('msg-content').filter({ hasText: xss });
    await shown.waitFor();
    expect(await shown.textContent()).toBe(xss);
    expect(await a.getByTestId('chat-list').locator('img').count()).toBe(0);
    expect(await b.getByTestId('chat-list').locator('img').count()).toBe(0);

    // A reply from Alice, quoting Bob.
    await a.getByTestId('chat-message').filter({ hasText: 'Starting chapter 4' }).hover();
    await a.getByTestId('chat-message').filter({ hasText: 'Starting chapter 4' }).getByTestId('msg-reply').click();
    await a.getByTestId('chat-input').fill('Nice — I am on dynamic programming, join me at 11?');
    await a.getByTestId('chat-input').press('Enter');
    await b.getByTestId('chat-message').filter({ hasText: 'dynamic programming' }).getByTestId('reply-quote').waitFor();
    expect(dialogs).toEqual([]);

    await b.waitForTimeout(300); // let the screenshot show a settled, ticking room
    await b.screenshot({ path: path.join(SCREENSHOTS, 'room.png') });
  });

  test('when Alice moves her progress slider, then Bob sees her progress change', async () => {
    await Promise.all([a.getByTestId('tab-resources').click(), b.getByTestId('tab-resources').click()]);
    const slider = a.locator('[data-testid^="progress-slider-"]').first();
    const resourceId = (await slider.getAttribute('data-testid'))!.replace('progress-slider-', '');
    const chip = b.getByTestId(`others-progress-${resourceId}`).getByTestId(`progress-of-${alice.userId}`);

    await slider.fill('60');
    await a.getByTestId(`progress-saved-${resourceId}`).filter({ hasText: 'Saved' }).waitFor();
    await eventually(async () => expect(await chip.getAttribute('data-percent')).toBe('60'));
    expect(await a.getByTestId(`progress-status-${resourceId}`).inputValue()).toBe('in_progress');
  });

  test('when Alice stops her timer, then the leaderboard Bob is looking at shows her time', async () => {
    await b.getByTestId('tab-leaderboard').click();
    await a.getByTestId('tab-room').click();
    // MIN_SESSION_SECONDS=1: the timer has run for several seconds by now.
    await a.getByTestId('timer-toggle').click();
    await a.locator('[data-testid="timer-toggle"][data-running="false"]').waitFor();

    const entry = b.locator(`[data-testid="leaderboard-entry"][data-user-id="${alice.userId}"]`);
    await entry.waitFor({ timeout: 10_000 });
    expect(Number(await entry.getAttribute('data-seconds'))).toBeGreaterThanOrEqual(1);
    for (const period of ['week', 'month', 'all', '7d']) {
      await b.getByTestId(`period-${period}`).click();
      await entry.waitFor();
    }
    await b.screenshot({ path: path.join(SCREENSHOTS, 'leaderboard.png') });

    // Alice's own "today" total includes the session.
    await eventually(async () => expect(await text(a, 'today-total')).not.toBe('Today: 0s'), { timeout: 10_000 });
  });

  test('when Bob loses his connection while Alice writes, then he sees a banner and, once back, the missed message', async () => {
    await b.getByTestId('tab-room').click();
    await b.context().setOffline(true);
    app.node.io.in(`user:${bob.userId}`).disconnectSockets(true);
    await b.getByTestId('connection-banner').waitFor();

    await a.getByTestId('chat-input').fill('Posted while Bob was offline');
    await a.getByTestId('chat-input').press('Enter');
    await a.getByTestId('chat-message').filter({ hasText: 'Posted while Bob was offline' }).waitFor();

    await b.context().setOffline(false);
    await b.getByTestId('connection-banner').waitFor({ state: 'hidden', timeout: 15_000 });
    await b.getByTestId('chat-message').filter({ hasText: 'Posted while Bob was offline' }).waitFor({ timeout: 10_000 });
    await b.locator(`[data-testid="member-${alice.userId}"][data-online="true"]`).waitFor();
    expect(dialogs).toEqual([]);
  });
});
