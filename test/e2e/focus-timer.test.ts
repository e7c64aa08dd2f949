/**
 * Focus timers in a real browser (issue 15): Alice runs a short Pomodoro with a subject
 * (a Pomodoro "minute" is shortened to 4 s by POMODORO_MINUTE_SECONDS), takes her break,
 * pauses and resumes; Bob, in the same room, sees each state of her clock — focus, break,
 * paused — live. Then her stats page splits the time by subject. Axe audits the screens.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eventually } from '../helpers/eventually';
import { BURSTING_TEST_LIMITS, startTestApp, type TestApp } from '../helpers/test-app';
import { artifact, DESKTOP, ensureWebBuilt, launchBrowser, seriousA11yViolations, WEB_DIST } from './browser';

jest.setTimeout(120_000);

const run = Date.now().toString(36);
const alice = { userId: `user_ft_a_${run}`, username: `alice_${run}`, email: `alice_ft_${run}@example.com` };
const bob = { userId: `user_ft_b_${run}`, username: `bob_${run}`, email: `bob_ft_${run}@example.com` };
const groupName = `Pomodoro club ${run}`;

let app: TestApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
let a: Page;
let b: Page;

async function openAs(user: typeof alice): Promise<Page> {
  const context = await browser.newContext({ viewport: DESKTOP });
  contexts.push(context);
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('dialog', (d) => void d.dismiss());
  await page.goto(app.url);
  if ((await page.getByTestId('signin-new').getAttribute('open')) === null) await page.getByTestId('signin-new').locator('summary').click();
  await page.getByTestId('signin-userid').fill(user.userId);
  await page.getByTestId('signin-username').fill(user.username);
  await page.getByTestId('signin-email').fill(user.email);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('me').waitFor();
  return page;
}

async function expectAccessible(page: Page, screen: string): Promise<void> {
  const violations = await seriousA11yViolations(page);
  if (violations.length) await artifact(page, `focus-timer-a11y-${screen}`);
  expect({ screen, violations }).toEqual({ screen, violations: [] });
}

beforeAll(async () => {
  ensureWebBuilt();
  [app, browser] = await Promise.all([
    startTestApp({
      devAuth: true,
      worker: true,
      env: { ...BURSTING_TEST_LIMITS, MIN_SESSION_SECONDS: '1', WEB_DIR: WEB_DIST, POMODORO_MINUTE_SECONDS: '4' },
    }),
    launchBrowser(),
  ]);
});

afterEach(async () => {
  const slug = (expect.getState().currentTestName ?? 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
  for (const [name, page] of [
    ['alice', a],
    ['bob', b],
  ] as const) {
    const toasts = await page
      ?.locator('.toast.error')
      .allTextContents()
      .catch(() => []);
    if (toasts?.length) console.log(`${name}'s error toasts:`, toasts);
    if (page) await artifact(page, `focus-timer-${slug}-${name}`);
  }
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  await browser?.close();
  await app?.stop();
});

describe('a Pomodoro watched by a peer', () => {
  test('when Alice and Bob are in one room, then both see each other live', async () => {
    a = await openAs(alice);
    await a.getByTestId('create-open').click();
    await a.getByTestId('create-name').fill(groupName);
    await a.getByTestId('create-description').fill('Short Pomodoros, long chapters.');
    await a.getByTestId('create-submit').click();
    await a.getByTestId('group-title').filter({ hasText: groupName }).waitFor();

    b = await openAs(bob);
    await b.getByTestId('discover-search').fill(run);
    await b.locator('[data-testid^="group-card-"]', { hasText: groupName }).getByTestId('join-group').click();
    await b.getByTestId('group-title').filter({ hasText: groupName }).waitFor();
    await b.locator('[data-testid="room-status"][data-state="live"]').waitFor();
    await a.locator(`[data-testid="member-${bob.userId}"][data-online="true"]`).waitFor();
  });

  test('when Alice starts a Pomodoro on a subject, then Bob sees her focus, then her break (with her focus clock frozen)', async () => {
    await a.getByTestId('timer-subject').fill('Graph theory');
    await a.getByTestId('timer-mode').selectOption('pomodoro');
    await a.getByTestId('pomodoro-focus').fill('1'); // 4 s
    await a.getByTestId('pomodoro-break').fill('2'); // 8 s
    await a.getByTestId('timer-toggle').click();
    await a.locator('[data-testid="timer-toggle"][data-running="true"]').waitFor();
    await a.locator('[data-testid="my-phase"][data-state="focus"]').waitFor();
    await a.locator('[data-testid="phase-ring"].pomodoro').waitFor();
    expect(await a.getByTestId('my-phase').textContent()).toMatch(/^Focus · cycle 1 · \d\d:\d\d left$/);

    const row = b.getByTestId(`member-${alice.userId}`);
    await row.locator('[data-testid="member-state"][data-state="focus"]').waitFor();
    expect(await row.textContent()).toContain('Graph theory');
    await expectAccessible(a, 'room-pomodoro-focus');

    // The phase ends on the server (the worker's tick): both pages switch to the break.
    await row.locator('[data-testid="member-state"][data-state="break"]').waitFor();
    await a.locator('[data-testid="my-phase"][data-state="break"]').waitFor();
    const clock = row.getByTestId('member-elapsed');
    const frozen = await clock.textContent();
    expect(frozen).toMatch(/^00:00:0[3-5]$/); // one 4-second focus phase counted
    await expectAccessible(b, 'room-peer-break');
  });

  test('when Alice pauses during the break and resumes, then Bob sees her paused, then back on the break, then focusing again', async () => {
    await a.getByTestId('timer-pause').click();
    await a.locator('[data-testid="timer-pause"][data-paused="true"]').waitFor();
    await a.locator('[data-testid="my-phase"][data-state="paused"]').waitFor();
    const row = b.getByTestId(`member-${alice.userId}`);
    await row.locator('[data-testid="member-state"][data-state="paused"]').waitFor();
    expect(await row.getByTestId('member-elapsed').getAttribute('aria-label')).toMatch(/^paused after 00:00:0\d$/);

    await a.getByTestId('timer-pause').click(); // Resume
    await a.locator('[data-testid="timer-pause"][data-paused="false"]').waitFor();
    await row.locator('[data-testid="member-state"][data-state="break"]').waitFor();
    // The rest of the break, then the second focus phase: her clock ticks again.
    await row.locator('[data-testid="member-state"][data-state="focus"]').waitFor({ timeout: 20_000 });
    await a.locator('[data-testid="my-phase"][data-state="focus"]').waitFor();
    expect(await a.getByTestId('my-phase').textContent()).toContain('cycle 2');
  });

  test('when Alice pauses while focusing and stops, then Bob sees paused and then no timer; her stats list the time under the subject', async () => {
    await a.getByTestId('timer-pause').click();
    const row = b.getByTestId(`member-${alice.userId}`);
    await row.locator('[data-testid="member-state"][data-state="paused"]').waitFor();
    // Paused: both clocks stop at the focus time the server counted, so they agree.
    await a.locator('[data-testid="my-phase"][data-state="paused"]').waitFor();
    const clock = row.getByTestId('member-elapsed');
    await eventually(async () => expect(await clock.textContent()).toBe(await a.getByTestId('my-elapsed').textContent()));
    expect(await clock.getAttribute('aria-label')).toMatch(/^paused after \d\d:\d\d:\d\d$/);

    await a.getByTestId('timer-toggle').click();
    await a.locator('[data-testid="timer-toggle"][data-running="false"]').waitFor();
    await eventually(async () => expect(await row.getByTestId('member-state').count()).toBe(0));

    await a.getByTestId('nav-stats').click();
    const subject = a.getByTestId('stats-subject').filter({ hasText: 'Graph theory' });
    await eventually(
      async () => {
        await a.getByTestId('nav-stats').click();
        expect(await subject.count()).toBe(1);
      },
      { timeout: 15_000 },
    );
    await expectAccessible(a, 'stats-by-subject');
  });
});
