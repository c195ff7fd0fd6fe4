// Builds the playground, serves it as `vite preview` does (cross-origin isolated), and opens pages in headless
// Chromium that record every console error.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build, preview } from 'vite';
import type { PreviewServer } from 'vite';

/** The app's directory. */
export const appDir = fileURLToPath(new URL('..', import.meta.url));
/** The repository root. */
export const rootDir = fileURLToPath(new URL('../../..', import.meta.url));

/** Debian's chromium, as the README-example harness (scripts/browser-example.ts) uses it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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

/** Writes the generated data, builds the page into dist/ and serves it; launches Chromium. */
export async function startPlayground(): Promise<Playground> {
  execFileSync(process.execPath, ['--import', 'tsx', '--conditions=@tinygpt/source', 'tools/assets.ts'], {
    cwd: appDir,
    stdio: 'inherit',
  });
  await build({ root: appDir, logLevel: 'warn' });
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
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
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

/** A page in its own context (own IndexedDB) with the console errors and uncaught exceptions it produced. */
export async function openPage(
  playground: Playground,
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
