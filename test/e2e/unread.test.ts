/**
 * Issue 16 in a real browser: a share link `/join/<inviteCode>` signs in and joins; an
 * unread badge appears in the top bar for a message from another user while the reader
 * is elsewhere in the app (the group's leaderboard), shows on the group list, and clears
 * when the chat is on screen (the server's count too), and moves live on the group list
 * (no room joined: `group:activity`); the leaderboard's "Near you" view
 * and invite-by-username suggestions work; axe finds nothing serious on these screens.
 */
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../helpers/eventually';
import { BURSTING_TEST_LIMITS, startTestApp, type TestApp } from '../helpers/test-app';
import { artifact, DESKTOP, ensureWebBuilt, launchBrowser, seriousA11yViolations, WEB_DIST } from './browser';

jest.setTimeout(90_000);

const run = Date.now().toString(36);
const alice = { userId: `user_e2e_ua_${run}`, username: `ualice_${run}`, email: `ualice_${run}@example.com` };
const bob = { userId: `user_e2e_ub_${run}`, username: `ubob_${run}`, email: `ubob_${run}@example.com` };

let app: TestApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ensureWebBuilt();
  [app, browser] = await Promise.all([startTestApp({ devAuth: true, env: { ...BURSTING_TEST_LIMITS, WEB_DIR: WEB_DIST } }), launchBrowser()]);
});

afterEach(async () => {
  if (page) await artifact(page, `unread-${(expect.getState().currentTestName ?? 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 80)}`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function noSeriousViolations(screen: string): Promise<void> {
  const violations = await seriousA11yViolations(page);
  expect({ screen, violations }).toEqual({ screen, violations: [] });
}

const badge = (testid: string) => page.getByTestId(testid);
const countOf = async (testid: string): Promise<string | null> => badge(testid).getAttribute('data-count');

it('when another member writes while I am elsewhere, then the badge appears live and clears once the chat is on screen', async () => {
  const bobToken: string = (await app.http.post('/dev/token', { body: bob })).body.token;
  const created = await app.http.post('/api/groups', { token: bobToken, body: { groupName: `Unread ${run}`, visibility: 'private', groupType: 'community' } });
  expect(created.status).toBe(201);
  const group = created.body;

  // The share link: sign in, then straight into the group.
  const context = await browser.newContext({ viewport: DESKTOP });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
  await page.goto(`${app.url}/join/${group.inviteCode}`);
  if ((await page.getByTestId('signin-new').getAttribute('open')) === null) await page.getByTestId('signin-new').locator('summary').click();
  await page.getByTestId('signin-userid').fill(alice.userId);
  await page.getByTestId('signin-username').fill(alice.username);
  await page.getByTestId('signin-email').fill(alice.email);
  await page.getByTestId('signin-submit').click();
  await page.waitForURL(new RegExp(`#/g/${group.id}$`));
  await eventually(async () => expect(await page.getByTestId('group-title').textContent()).toBe(`Unread ${run}`));
  expect(new URL(page.url()).pathname).toBe('/');
  await eventually(async () => expect(await page.getByTestId('room-status').getAttribute('data-state')).toBe('live'));

  // Elsewhere in the app (the leaderboard tab: the room stays joined, the chat is hidden).
  await page.getByTestId('tab-leaderboard').click();
  await page.getByTestId('leaderboard-view-near').click();
  await page.getByTestId('leaderboard-empty').waitFor();
  expect(await countOf('nav-unread')).toBe('0');
  const sent = await app.http.post(`/api/groups/${group.id}/messages`, { token: bobToken, body: { content: 'anyone here?' } });
  expect(sent.status).toBe(201);
  await eventually(async () => expect(await countOf('nav-unread')).toBe('1'));
  expect(await badge('nav-unread').isVisible()).toBe(true);
  await noSeriousViolations('leaderboard with an unread badge');

  // The group list shows it per group.
  await page.getByTestId('nav-groups').click();
  await eventually(async () => expect(await countOf(`unread-${group.id}`)).toBe('1'));
  await noSeriousViolations('group list with an unread badge');

  // Reading: the chat on screen clears the badge, here and on the server.
  await page.getByTestId('group-link').first().click();
  await eventually(async () => expect(await countOf('nav-unread')).toBe('0'));
  expect(await badge('nav-unread').isHidden()).toBe(true);
  const aliceToken = await page.evaluate(() => (globalThis as any).sessionStorage.getItem('studysync.token') as string | null);
  await eventually(async () => {
    const mine = await app.http.get('/api/groups', { token: aliceToken! });
    expect(mine.body.find((g: { id: number }) => g.id === group.id)).toMatchObject({ unreadCount: 0 });
  });

  // Invite by username: suggestions come from the user search.
  await page.getByTestId('invite-username').fill(bob.username.slice(0, 6));
  await eventually(async () => expect(await page.locator(`[data-testid="invite-suggestions"] option[value="${bob.username}"]`).count()).toBe(1));

  // On the group list (no room joined): the server's group:activity moves the badge live.
  await page.getByTestId('nav-groups').click();
  await eventually(async () => expect(await countOf(`unread-${group.id}`)).toBe('0'));
  const later = await app.http.post(`/api/groups/${group.id}/messages`, { token: bobToken, body: { content: 'still there?' } });
  expect(later.status).toBe(201);
  await eventually(async () => expect(await countOf(`unread-${group.id}`)).toBe('1'));
  expect(await countOf('nav-unread')).toBe('1');
  await context.close();
});
