/**
 * `npm run screenshots`: refreshes the README's pictures in docs/screenshots from a
 * seeded demo (test/e2e/demo.ts: its own database and Redis prefix, dropped afterwards),
 * on a desktop (1280×820) and a phone (390×844). Tests never write there.
 *
 * The scene: Ana Sato (the first demo person) in "Calculus II Study Hall" while two
 * classmates are online and studying, a short conversation with a reply, the group's
 * leaderboard from the seeded weeks of sessions, and the sign-in with the demo people.
 * The classmates' timers are stored as if started 25 and 48 minutes ago (through the
 * timer store, like the seed stores past sessions), so the clocks look like a real
 * evening rather than a few seconds.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { putTimerIfAbsent } from '../../src/components/timers/timer.store';
import { storedTimer } from '../../src/components/timers/timer.rules';
import { eventually } from '../helpers/eventually';
import { httpClient } from '../helpers/http';
import { closeAllSockets, connectSocket, emitAck } from '../helpers/socket';
import { DESKTOP, launchBrowser, PHONE, SCREENSHOTS } from './browser';
import { startDemo, type Demo } from './demo';

const GROUP = 'Calculus II Study Hall';

async function tokenOf(demo: Demo, userId: string): Promise<string> {
  const http = httpClient(demo.url);
  const { items } = (await http.get('/dev/demo-users')).body as { items: { userId: string; username: string; email: string }[] };
  const u = items.find((x) => x.userId === userId)!;
  return ((await http.post('/dev/token', { body: { userId: u.userId, username: u.username, email: u.email } })).body as { token: string }).token;
}

async function signedIn(browser: Browser, demo: Demo, viewport: { width: number; height: number }, userId: string): Promise<Page> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: viewport.width < 500 ? 2 : 1, timezoneId: 'Europe/Paris', locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(demo.url);
  await page.getByTestId(`demo-${userId}`).click();
  await page.getByTestId('me').waitFor();
  return page;
}

async function openRoom(page: Page): Promise<void> {
  await page.getByTestId('my-groups').getByTestId('group-link').filter({ hasText: GROUP }).click();
  await page.locator('[data-testid="room-status"][data-state="live"]').waitFor();
  await page.getByTestId('member-elapsed').nth(1).waitFor();
  await page.getByTestId('chat-message').filter({ hasText: 'join the timer' }).waitFor();
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.mouse.move(1, 1); // no hover effect where the last click was
  const file = path.join(SCREENSHOTS, name);
  await page.screenshot({ path: file });
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

async function main(): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const demo = await startDemo();
  const browser = await launchBrowser();
  try {
    const http = httpClient(demo.url);
    const [ana, ben, chloe] = ['user_seed_001', 'user_seed_002', 'user_seed_003'];
    const tokens = { ana: await tokenOf(demo, ana), ben: await tokenOf(demo, ben), chloe: await tokenOf(demo, chloe) };
    const groups = (await http.get('/api/groups', { token: tokens.ana })).body as { id: number; groupName: string }[];
    const groupId = groups.find((g) => g.groupName === GROUP)!.id;

    // Ben and Chloé are online in the room, studying since a while.
    for (const [userId, minutes] of [
      [ben, 48],
      [chloe, 25],
    ] as const) {
      await putTimerIfAbsent(
        demo.node.ctx,
        userId,
        storedTimer({ startedAt: new Date(Date.now() - minutes * 60_000 - 17_000).toISOString(), groupId, sessionUuid: randomUUID() }),
      );
    }
    for (const token of [tokens.ben, tokens.chloe]) {
      const socket = await connectSocket(demo.url, token);
      await emitAck(socket, 'room:join', { groupId });
    }
    // A short exchange, with a reply.
    const post = async (token: string, content: string, replyToId?: number): Promise<number> => {
      const res = await http.post(`/api/groups/${groupId}/messages`, { token, body: { content, ...(replyToId ? { replyToId } : {}) } });
      if (res.status !== 201) throw new Error(`chat: ${res.status} ${JSON.stringify(res.body)}`);
      return (res.body as { id: number }).id;
    };
    const question = await post(tokens.chloe, 'Is question 4 of problem set 1 by parts twice, or is there a trick?');
    await post(tokens.ben, 'Twice! Pick u = x² first, then the second one is easy. Starting now, join the timer!');
    await post(tokens.ana, 'Same here, LIATE all the way. Want to compare answers at 9?', question);

    const signin = await (await browser.newContext({ viewport: DESKTOP, locale: 'en-GB' })).newPage();
    await signin.goto(demo.url);
    await signin.getByTestId('demo-user_seed_001').waitFor();
    await shoot(signin, 'signin.png');

    const desktop = await signedIn(browser, demo, DESKTOP, ana);
    await openRoom(desktop);
    await shoot(desktop, 'room.png');
    await desktop.getByTestId('tab-leaderboard').click();
    await eventually(
      async () => {
        if ((await desktop.getByTestId('leaderboard-entry').count()) < 5) {
          await desktop.getByTestId('period-week').click();
          await desktop.getByTestId('period-7d').click();
          throw new Error('leaderboard not rebuilt yet');
        }
      },
      { timeout: 30_000 },
    );
    await shoot(desktop, 'leaderboard.png');

    const phone = await signedIn(browser, demo, PHONE, ana);
    await openRoom(phone);
    await shoot(phone, 'room-phone.png');
    await phone.getByTestId('chat').scrollIntoViewIfNeeded();
    await phone.evaluate(() => (globalThis as unknown as { scrollBy(x: number, y: number): void }).scrollBy(0, 10_000));
    await shoot(phone, 'chat-phone.png');
    await phone.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await phone.getByTestId('tab-leaderboard').click();
    await phone.getByTestId('leaderboard-entry').nth(4).waitFor();
    await shoot(phone, 'leaderboard-phone.png');
  } finally {
    closeAllSockets();
    await browser.close();
    await demo.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
