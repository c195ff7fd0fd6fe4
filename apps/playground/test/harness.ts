// Builds the playground, serves it as `vite preview` does (cross-origin isolated), and opens pages in headless
// Chromium that record every console error.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { PlaygroundHooks } from '../src/test-hooks.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build, preview } from 'vite';
import type { PreviewServer } from 'vite';

/** The app's directory. */
export const appDir = fileURLToPath(new URL('..', import.meta.url));
/** The repository root. */
export const rootDir = fileURLToPath(new URL('../../..', import.meta.url));

/** Debian's chromium, as the README-example harness (scripts/browser-example.ts) uses it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let shotDir: string | null = null;
/** Where the screenshot `name` goes: docs/ for the README when SCREENSHOTS=1, else a scratch directory. */
export function shot(name: string): string {
  shotDir ??= process.env.SCREENSHOTS === '1' ? join(appDir, 'docs') : mkdtempSync(join(tmpdir(), 'playground-shots-'));
  mkdirSync(shotDir, { recursive: true });
  return join(shotDir, name);
}

/** Whether a Chromium to drive is installed here. */
export const haveChromium = existsSync(CHROMIUM);

/** A served build of the page and a browser to look at it with. */
export interface Playground {
  url: string;
  /** The same build served without COOP/COEP: not cross-origin isolated. */
  plainUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Writes the generated data and builds the page into dist/, as `pnpm build` does. */
export async function buildPlayground(): Promise<void> {
  execFileSync(process.execPath, ['--import', 'tsx', '--conditions=@tinygpt/source', 'tools/assets.ts'], {
    cwd: appDir,
    stdio: 'inherit',
  });
  await build({ root: appDir, logLevel: 'warn' });
}

/** Serves dist/ (built first unless `built`: the tests' global setup builds it once) and launches Chromium. */
export async function startPlayground({ built = false } = {}): Promise<Playground> {
  if (!built) await buildPlayground();
  const server: PreviewServer = await preview({
    root: appDir,
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
    logLevel: 'warn',
  });
  // configFile: false drops vite.config.ts and with it the isolation headers.
  const plain: PreviewServer = await preview({
    root: appDir,
    configFile: false,
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
    logLevel: 'warn',
  });
  const url = server.resolvedUrls?.local[0];
  const plainUrl = plain.resolvedUrls?.local[0];
  if (!url || !plainUrl) throw new Error('vite preview reported no URL');
  const browser = await launchChromium();
  return {
    url,
    plainUrl,
    browser,
    async close() {
      await browser.close();
      await server.close();
      await plain.close();
    },
  };
}

/** Debian's Chromium, headless, driven by playwright-core. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
}

/** A page in its own context (own IndexedDB) with the console errors and uncaught exceptions it produced. */
export async function openPage(
  playground: Pick<Playground, 'url' | 'browser'>,
  query = '',
  base = playground.url,
): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  const context = await playground.browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${base}${query}`);
  await page.waitForSelector('body[data-ready]', { timeout: 60_000 });
  return { page, context, errors };
}

/** Runs a root `pnpm` script (e.g. `pretrain`) with arguments; returns its stdout. */
export function pnpm(script: string, args: string[]): string {
  return execFileSync('pnpm', ['--silent', script, ...args], {
    cwd: rootDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** `pnpm generate` at temperature 0 from `checkpoint` after `prompt`: the continuation alone, the prompt checked. */
export function cliGreedy(checkpoint: string, prompt: string, tokens: number): string {
  const args = [
    '--checkpoint',
    checkpoint,
    '--prompt',
    prompt,
    '--temperature',
    '0',
    '--max-new-tokens',
    String(tokens),
  ];
  const text = pnpm('generate', args);
  if (!text.startsWith(prompt)) throw new Error(`pnpm generate did not start with its prompt: ${JSON.stringify(text)}`);
  return text.slice(prompt.length).replace(/\n$/, '');
}

/** Reads the page's hooks object (window.tinygptPlayground) through `read`. */
export function hooks<T>(page: Page, read: (h: PlaygroundHooks) => T): Promise<T> {
  return page.evaluate(`(${read.toString()})(window.tinygptPlayground)`) as Promise<T>;
}

/**
 * Clicks the Sample tab's Generate and waits for that generation to end. The previous one's end mark
 * (`data-done`) is removed first: a generation that starts and ends between two polls is not missed,
 * and an old mark is not taken for the new one.
 */
export async function generateText(page: Page, timeout = 60_000): Promise<void> {
  await page.$eval('[data-testid=generated]', (output) => delete (output as HTMLElement).dataset.done);
  await page.click('[data-testid=generate]');
  await page.waitForSelector('[data-testid=generated][data-done]', { timeout });
}

/**
 * Waits until the Train tab's run is in `state` (training, paused, stopped, finished, loaded). A
 * timeout names the state and iteration the run was left in.
 */
export async function waitState(page: Page, state: string): Promise<void> {
  try {
    await page.waitForFunction((s) => document.getElementById('view-train')?.dataset.state === s, state, {
      timeout: 120_000,
    });
  } catch (err) {
    const now = await page.evaluate(() => document.getElementById('view-train')?.dataset.state).catch(() => '?');
    const iter = await iterOf(page).catch(() => NaN);
    throw new Error(`waiting for the run to be ${state}: it was still ${now} at iteration ${iter}`, { cause: err });
  }
}

/** The iteration the Train tab's status line shows. */
export const iterOf = (page: Page): Promise<number> =>
  page.evaluate(() => Number(document.querySelector('[data-testid=train-status]')?.getAttribute('data-iter')));
