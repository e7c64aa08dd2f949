/**
 * Uploaded resources in a real browser (Debian's Chromium via playwright-core): Alice
 * uploads an image (the add form) and a PDF (the upload button) into her group; Bob, who
 * joins it, sees the thumbnail and opens both.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { ensureWebBuilt, launchBrowser, WEB_DIST } from './browser';

jest.setTimeout(90_000);

const run = Date.now().toString(36);
const alice = { userId: `user_up_a_${run}`, username: `ua_${run}`, email: `ua_${run}@example.com` };
const bob = { userId: `user_up_b_${run}`, username: `ub_${run}`, email: `ub_${run}@example.com` };
const groupName = `Exam archive ${run}`;
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A real 96×96 PNG (red), so the browser can decode it. */
function png(): Buffer {
  const crc = (buf: Buffer): number => {
    let c = ~0;
    for (const byte of buf) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    }
    return ~c >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(96, 0);
  ihdr.writeUInt32BE(96, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Buffer.concat(Array.from({ length: 96 }, () => Buffer.from([0, ...Array.from({ length: 96 }, () => [220, 40, 40]).flat()])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

let app: TestApp;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function openAs(user: typeof alice): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  contexts.push(context);
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
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

beforeAll(async () => {
  ensureWebBuilt();
  [app, browser] = await Promise.all([startTestApp({ devAuth: true, env: { WEB_DIR: WEB_DIST } }), launchBrowser()]);
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  await browser?.close();
  await app?.stop();
});

describe('uploaded resources in two browsers', () => {
  const image = png();
  let a: Page;
  let b: Page;

  test('when Alice uploads an image and a PDF, then both appear in her resources with a thumbnail and a download link', async () => {
    a = await openAs(alice);
    await a.getByTestId('create-open').click();
    await a.getByTestId('create-name').fill(groupName);
    await a.getByTestId('create-submit').click();
    await a.getByTestId('group-title').filter({ hasText: groupName }).waitFor();
    await a.getByTestId('tab-resources').click();

    // The add form: type "image", a file, a title.
    await a.getByTestId('res-type').selectOption('image');
    await a.getByTestId('res-file').setInputFiles({ name: 'red-square.png', mimeType: 'image/png', buffer: image });
    await a.getByTestId('res-title').fill('Red square');
    await a.getByTestId('add-resource').locator('button[type=submit]').click();
    await a.locator('[data-testid^="res-thumb-"]').first().waitFor();

    // The upload button (the drop zone's file picker): the title is the file name.
    await a.getByTestId('res-upload-input').setInputFiles({ name: 'exam-2024.pdf', mimeType: 'application/pdf', buffer: PDF });
    await a.locator('[data-testid^="res-download-"]').first().waitFor();
    expect(await a.getByTestId('upload-row').count()).toBe(0);
    expect(await a.locator('.toast.error').count()).toBe(0);
  });

  test('when Bob joins the group, then he sees the thumbnail loaded and opens the image and the PDF with identical bytes', async () => {
    b = await openAs(bob);
    await b.getByTestId('discover-search').fill(run);
    await b.locator('[data-testid^="group-card-"]', { hasText: groupName }).getByTestId('join-group').click();
    await b.getByTestId('group-title').filter({ hasText: groupName }).waitFor();
    await b.getByTestId('tab-resources').click();

    const thumb = b.locator('[data-testid^="res-thumb-"]').first();
    await thumb.waitFor();
    await b.waitForFunction(
      (el) => (el as unknown as { complete: boolean; naturalWidth: number }).complete && (el as unknown as { naturalWidth: number }).naturalWidth === 96,
      await thumb.elementHandle(),
    );

    // Opening the image: the page's link, fetched as the browser would (no bearer header).
    const imageHref = await b.locator('.res-thumb').first().getAttribute('href');
    expect(imageHref).toMatch(/^\/api\/resources\/\d+\/content\?access=/);
    const opened = await b.evaluate(async (href) => {
      const res = await fetch(href!);
      return { status: res.status, type: res.headers.get('content-type'), bytes: Array.from(new Uint8Array(await res.arrayBuffer())) };
    }, imageHref);
    expect(opened.status).toBe(200);
    expect(opened.type).toBe('image/png');
    expect(sha(Buffer.from(opened.bytes))).toBe(sha(image));

    // Opening the PDF: a real download through the link.
    const [download] = await Promise.all([b.waitForEvent('download'), b.locator('[data-testid^="res-download-"]').first().click()]);
    expect(download.suggestedFilename()).toBe('exam-2024.pdf');
    const file = await download.path();
    expect(sha(fs.readFileSync(file!))).toBe(sha(PDF));
  });
});
