/**
 * The playground page in a real browser: Debian's Chromium, driven headless by playwright-core,
 * against the playground with its example bot. Sends a message and watches the streamed reply
 * grow and finish, presses stop on a long one and sees it marked stopped, and saves the
 * screenshots the README shows (`packages/cli/docs/`).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeDevHost } from './node-host.ts';
import { createPlayground, type Playground } from './playground.ts';

/** The browser: Debian's `chromium` package, or `IMBRIDGE_CHROMIUM`. */
const CHROMIUM = process.env.IMBRIDGE_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'docs');

let playground: Playground;
let browser: BrowserContext;
let userDataDir: string;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the playground's browser test needs it. Install it with \`apt-get install -y chromium\` (Debian/Ubuntu), or set IMBRIDGE_CHROMIUM to a Chromium or Chrome binary.`,
    );
  }
  playground = await createPlayground({ host: nodeDevHost, port: 0, logger: false });
  userDataDir = await mkdtemp(join(tmpdir(), 'imbridge-chromium-'));
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  await mkdir(SCREENSHOTS, { recursive: true });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await playground?.close();
  if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
});

/** The `index`-th message of the bot in the chat, from 0. */
function botMessage(index: number): Locator {
  return page.locator('[data-testid="message"][data-from="bot"]').nth(index);
}

async function send(text: string): Promise<void> {
  await page.getByTestId('composer').fill(text);
  await page.getByTestId('send').click();
}

describe('the playground page', () => {
  it('streams a reply, stops a long one, and shows both', async () => {
    await page.goto(playground.url);
    await expect.poll(() => page.locator('#live').textContent()).toBe('● live');

    await send('Hello! What can you do?');
    const reply = botMessage(0);
    await reply.and(page.locator('[data-state="growing"]')).waitFor({ timeout: 5_000 });
    const early = (await reply.locator('.text').textContent()) ?? '';
    await page.locator('[data-state="finished"][data-from="bot"]').waitFor({ timeout: 10_000 });
    const final = (await reply.locator('.text').textContent()) ?? '';
    expect(final.length).toBeGreaterThan(early.length);
    expect(final).toContain('You said: "Hello! What can you do?"');
    await expect.poll(() => reply.locator('.state').textContent()).toBe('finished');
    await page.locator('[data-testid="activity"][data-kind="webhook"] summary').first().click();
    await page.screenshot({ path: join(SCREENSHOTS, 'playground-reply.png') });

    await send('Tell me a long story');
    const story = botMessage(1);
    await expect
      .poll(async () => (await story.locator('.text').textContent())?.length ?? 0, {
        timeout: 8_000,
      })
      .toBeGreaterThan(120);
    expect(await story.getAttribute('data-state')).toBe('growing');
    expect(await story.getByTestId('stop').isVisible()).toBe(true);
    await story.getByTestId('stop').click();
    await story.and(page.locator('[data-state="interrupted"]')).waitFor({ timeout: 8_000 });
    expect(await story.locator('.state').textContent()).toBe('stopped');
    expect(await story.getByTestId('stop').isVisible()).toBe(false);
    expect(await story.locator('.text').textContent()).not.toContain('pressed the stop button.');
    const webhooks = page.locator('[data-testid="activity"][data-kind="webhook"]');
    await expect.poll(() => webhooks.last().locator('.label').textContent()).toContain('src 22');
    await webhooks.first().locator('summary').click();
    await webhooks.last().locator('summary').click();
    await webhooks.last().scrollIntoViewIfNeeded();
    // Show the stop request's custom element in the request body.
    await webhooks
      .last()
      .locator('pre')
      .first()
      .evaluate((node) => {
        node.scrollTop = node.scrollHeight;
      });
    await page.screenshot({ path: join(SCREENSHOTS, 'playground-stop.png') });
  }, 30_000);
});
