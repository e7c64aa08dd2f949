/**
 * The web client end to end in a real browser (Debian's Chromium via playwright-core):
 * two people in two browser contexts share one study room — live timers, chat with
 * replies (also after a reload), progress, the leaderboard, a lost connection, and the
 * API node going away and coming back. Pictures of failures go to test-results/e2e; the
 * README's screenshots are made by `npm run screenshots`, not here.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eventually } from '../helpers/eventually';
import { BURSTING_TEST_LIMITS, startTestApp, type TestApp } from '../helpers/test-app';
import { artifact, DESKTOP, ensureWebBuilt, launchBrowser, WEB_DIST } from './browser';

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
  const context = await browser.newContext({ viewport: DESKTOP });
  contexts.push(context);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(app.url);
  // Without seeded demo people the "someone new" form is already open.
  if ((await page.getByTestId('signin-new').getAttribute('open')) === null) await page.getByTestId('signin-new').locator('summary').click();
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
  [app, browser] = await Promise.all([
    startTestApp({ devAuth: true, worker: true, env: { ...BURSTING_TEST_LIMITS, MIN_SESSION_SECONDS: '1', WEB_DIR: WEB_DIST, CHAT_RATE_LIMIT: '1000' } }),
    launchBrowser(),
  ]);
});

/** On a failure the UI's error toasts say which backend call went wrong, and pictures show where it stood. */
afterEach(async () => {
  const state = expect.getState();
  const slug = (state.currentTestName ?? 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
  for (const [name, page] of [
    ['alice', a],
    ['bob', b],
  ] as const) {
    const toasts = await page
      ?.locator('.toast.error')
      .allTextContents()
      .catch(() => []);
    if (toasts?.length) console.log(`${name}'s error toasts:`, toasts);
    if (page) await artifact(page, `study-room-${slug}-${name}`);
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
    await a.getByTestId('create-open').click();
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
    const quote = b.getByTestId('chat-message').filter({ hasText: 'dynamic programming' }).getByTestId('reply-quote');
    await quote.waitFor();
    expect(await quote.textContent()).toContain(`${bob.username}: Morning! Starting chapter 4 (graphs) now`);
    expect(dialogs).toEqual([]);
  });

  test('when Bob reloads the page, then the reply still quotes the message it answers (history arrives newest first)', async () => {
    await b.reload();
    const quote = b.getByTestId('chat-message').filter({ hasText: 'dynamic programming' }).getByTestId('reply-quote');
    await quote.waitFor();
    await eventually(async () => expect(await quote.textContent()).toContain(`${bob.username}: Morning! Starting chapter 4 (graphs) now`));
    expect(await quote.textContent()).not.toContain('an earlier message');
  });

  test('when a reply answers a message older than the loaded history, then its quote still shows that message', async () => {
    const groupId = Number(await b.getByTestId('group-page').getAttribute('data-group-id'));
    const { token } = (await app.http.post('/dev/token', { body: alice })).body as { token: string };
    const oldest = { id: Number(await b.getByTestId('chat-message').filter({ hasText: 'Morning! Starting chapter 4' }).first().getAttribute('data-id')) };
    // More than one page (50) of newer messages, then a reply to the oldest one.
    for (let i = 1; i <= 55; i += 1) {
      const res = await app.http.post(`/api/groups/${groupId}/messages`, { token, body: { content: `Practice problem ${i} done` } });
      expect(res.status).toBe(201);
    }
    const reply = await app.http.post(`/api/groups/${groupId}/messages`, {
      token,
      body: { content: 'Back to your graphs question from this morning', replyToId: oldest.id },
    });
    expect(reply.status).toBe(201);
    await b.reload();
    const quote = b.getByTestId('chat-message').filter({ hasText: 'Back to your graphs question' }).getByTestId('reply-quote');
    await quote.waitFor();
    expect(await b.locator(`[data-testid="chat-message"][data-id="${oldest.id}"]`).count()).toBe(0); // the parent is not loaded
    expect(await quote.textContent()).toContain(`${bob.username}: Morning! Starting chapter 4 (graphs) now`);
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

  test('when the API node stops, then the pill and presence turn stale with frozen clocks, and when it is back everything is live again', async () => {
    await a.getByTestId('tab-room').click();
    // Both study: Bob's clock is what Alice watches; her own keeps ticking (her timer runs
    // on the server), which proves the page's clock ran while Bob's stood still.
    await a.getByTestId('timer-toggle').click();
    await a.locator('[data-testid="timer-toggle"][data-running="true"]').waitFor();
    await b.getByTestId('timer-toggle').click();
    await b.locator('[data-testid="timer-toggle"][data-running="true"]').waitFor();
    const bobInA = a.getByTestId(`member-${bob.userId}`);
    await bobInA.getByTestId('member-elapsed').waitFor();
    const pill = a.getByTestId('room-status');
    const members = a.getByTestId('members');
    expect(await pill.getAttribute('data-state')).toBe('live');
    expect(await members.getAttribute('data-stale')).toBe('false');

    await app.stopNode();
    await a.locator('[data-testid="room-status"]:not([data-state="live"])').waitFor({ timeout: 15_000 });
    await a.locator('[data-testid="members"][data-stale="true"]').waitFor();
    await a.getByTestId('presence-stale').waitFor();
    await a.getByTestId('connection-banner').waitFor();
    expect(await pill.textContent()).toMatch(/^(Reconnecting…|Offline)$/);
    // Retries fail against a closed port: the pill settles on Offline, the banner offers "Retry now".
    await a.locator('[data-testid="room-status"][data-state="offline"]').waitFor({ timeout: 20_000 });
    expect(await pill.textContent()).toBe('Offline');
    await a.getByTestId('retry-now').waitFor();

    const frozen = await bobInA.getByTestId('member-elapsed').textContent();
    const seconds = (t: string | null): number => (t ?? '').split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
    const mine = seconds(await a.getByTestId('my-elapsed').textContent());
    const selfInList = a.getByTestId(`member-${alice.userId}`).getByTestId('member-elapsed');
    const selfBefore = seconds(await selfInList.textContent());
    await eventually(async () => expect(seconds(await a.getByTestId('my-elapsed').textContent())).toBeGreaterThanOrEqual(mine + 2), { timeout: 10_000 });
    expect(await bobInA.getByTestId('member-elapsed').textContent()).toBe(frozen);
    // Her own clock is no guess (her timer runs on the server): it keeps ticking in the list too.
    expect(seconds(await selfInList.textContent())).toBeGreaterThan(selfBefore);
    expect(await bobInA.textContent()).toContain('(last seen)');
    await artifact(a, 'study-room-offline-alice');

    await app.startNode();
    await a.locator('[data-testid="room-status"][data-state="live"]').waitFor({ timeout: 30_000 });
    await a.locator('[data-testid="members"][data-stale="false"]').waitFor();
    await a.getByTestId('connection-banner').waitFor({ state: 'hidden' });
    expect(await pill.textContent()).toBe('Live');
    await a.locator(`[data-testid="member-${bob.userId}"][data-online="true"]`).waitFor({ timeout: 30_000 });
    const again = await bobInA.getByTestId('member-elapsed').textContent();
    expect(seconds(again)).toBeGreaterThan(seconds(frozen));
    await eventually(async () => expect(await bobInA.getByTestId('member-elapsed').textContent()).not.toBe(again), { timeout: 5000 });

    // Live both ways again: Bob's new message reaches Alice.
    await b.locator('[data-testid="room-status"][data-state="live"]').waitFor({ timeout: 30_000 });
    await b.getByTestId('chat-input').fill('Back online, still on graphs');
    await b.getByTestId('chat-input').press('Enter');
    await a.getByTestId('chat-message').filter({ hasText: 'Back online, still on graphs' }).waitFor();
    expect(dialogs).toEqual([]);
  });
});
