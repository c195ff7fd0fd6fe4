// `pnpm playground`, as a user runs it: it prints the URL, serves the page cross-origin isolated (COOP/COEP), and the
// page starts in Chromium on every core with no console error.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, expect, test } from 'vitest';
import { haveChromium, launchChromium, openPage, rootDir } from './harness.js';

let server: ChildProcess | null = null;
afterAll(() => {
  // pnpm runs vite in a child process: end the whole group this test started.
  if (server?.pid) process.kill(-server.pid, 'SIGTERM');
});

/** Starts `pnpm playground`; resolves with the URL it prints. */
function startDevServer(): Promise<string> {
  const child = spawn('pnpm', ['playground'], { cwd: rootDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const url = /Local:\s+(http:\/\/\S+)/.exec(stripVTControlCharacters(output))?.[1];
      if (url) resolve(url);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`pnpm playground exited (${code}) before printing a URL:\n${output}`)));
  });
}

test('pnpm playground prints its URL and serves the page cross-origin isolated', async () => {
  const url = await startDevServer();
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  for (const path of ['', 'src/main.ts', 'generated/moby-dick.txt']) {
    const res = await fetch(new URL(path, url));
    expect(res.status).toBe(200);
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
  }
  if (!haveChromium) return;
  const browser = await launchChromium();
  try {
    const { page, errors } = await openPage({ url, browser });
    expect(await page.textContent('[data-testid=backend]')).toMatch(
      /^wasm backend · \d+ threads? \(cross-origin isolated\)$/,
    );
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
