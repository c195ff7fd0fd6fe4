// Runs the example a package's README shows in headless Chromium, to prove the package works in a browser and
// computes the same output as in Node.
/// <reference types="node" />
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { builtinModules } from 'node:module';
import { join, relative, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { build } from 'esbuild';
import type { Message, Plugin } from 'esbuild';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { exampleUrl, pageScriptUrl, reportBinding } from './browser-protocol.js';
import type { PageMessage } from './browser-protocol.js';
import { decodeValues } from './console-values.js';
import { readmeExample } from './readme-example.js';

/** Where the harness expects Chromium: Debian's `chromium` package (`apt-get install -y chromium`). */
export const chromiumPath = '/usr/bin/chromium';

/** Headless, and nothing that reaches the network or touches state outside the run. */
export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts headless Chromium from {@link chromiumPath}. Playwright gives it a fresh temporary profile
 * (user-data-dir) and deletes it on `close()`.
 *
 * @example
 * const browser = await launchChromium();
 * try { console.log((await runReadmeExampleInBrowser('packages/sampler', { browser })).actual); }
 * finally { await browser.close(); }
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(`Chromium is not installed at ${chromiumPath} (apt-get install -y chromium)`);
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: [...chromiumArgs] });
}

/** Options of {@link runReadmeExampleInBrowser}. */
export interface BrowserRunOptions {
  /** A browser to open the page in (one per test suite is fastest); without it, one is launched and closed. */
  browser?: Browser;
  /** How long the example may run before the run fails, in milliseconds (default 60 000). */
  timeoutMs?: number;
}

const packagesMustRunInBrowser = 'code under packages/ must run in a browser';

/** Fails every `node:` import by name. (A bare `fs` fails esbuild's own resolution; {@link bundleForBrowser} words that error alike.) */
const noNodeBuiltins: Plugin = {
  name: 'no-node-builtins',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [{ text: `"${args.path}" is a Node built-in: ${packagesMustRunInBrowser}` }],
    }));
  },
};

function describeMessage(message: Message, resolveDir: string): string {
  const { location } = message;
  // esbuild names files relative to its working directory, process.cwd(); name them relative to the example instead.
  const where = location
    ? `${relative(resolveDir, resolvePath(location.file))}:${location.line}:${location.column + 1}: `
    : '';
  const source = location?.lineText ? `\n    ${location.lineText.trim()}` : '';
  return `${where}${message.text}${source}`;
}

/**
 * Bundles TypeScript example `code` for the browser (one ES module, no build of the workspace
 * needed): imports resolve from `resolveDir`, workspace packages through their `@tinygpt/source`
 * export condition, so straight to their `src/`. Any Node built-in import fails the bundle with
 * an error naming it.
 */
export async function bundleForBrowser(
  code: string,
  resolveDir: string,
  sourcefile = 'README.md example',
): Promise<string> {
  const builtins = new Set(builtinModules);
  try {
    const result = await build({
      stdin: { contents: code, loader: 'ts', resolveDir, sourcefile },
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      conditions: ['@tinygpt/source'],
      plugins: [noNodeBuiltins],
      logLevel: 'silent',
    });
    return result.outputFiles[0]!.text;
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (!errors) throw error;
    const lines = errors.map((message) => {
      const unresolved = /^Could not resolve "([^"]+)"$/.exec(message.text);
      const builtin = unresolved && builtins.has(unresolved[1]!);
      return describeMessage(
        builtin ? { ...message, text: `"${unresolved[1]}" is a Node built-in: ${packagesMustRunInBrowser}` } : message,
        resolveDir,
      );
    });
    throw new Error(`Cannot bundle the ${sourcefile} for the browser:\n${lines.join('\n')}`);
  }
}

let pageScript: Promise<string> | undefined;

/** browser-page.ts as a classic script, bundled once per process. */
function bundlePageScript(): Promise<string> {
  pageScript ??= build({
    entryPoints: [fileURLToPath(new URL('./browser-page.ts', import.meta.url))],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    external: [exampleUrl],
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text);
  return pageScript;
}

/** Serves `files` (path → body) on 127.0.0.1, cross-origin isolated so SharedArrayBuffer and wasm threads work. */
async function serve(
  files: ReadonlyMap<string, { type: string; body: string }>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const file = files.get(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    response.writeHead(file ? 200 : 404, {
      'Content-Type': file ? file.type : 'text/plain; charset=utf-8',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    });
    response.end(file ? file.body : 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** How long a page may take to load before its example starts, however short the example's own limit. */
const pageLoadMs = 60_000;

/**
 * Runs an ES module `bundle` in a fresh page of `browser` and returns what it printed with
 * console.log/info/debug, formatted exactly as Node formats them, one line per call. Fails with the
 * message of an error the module throws, an uncaught error or an unhandled rejection, and when it
 * has not finished within `timeoutMs` of starting (the page's own loading has a limit of its own).
 */
export async function runBundleInBrowser(
  bundle: string,
  { browser, timeoutMs = 60_000, label = 'The example' }: { browser: Browser; timeoutMs?: number; label?: string },
): Promise<string> {
  const html =
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>tinygpt example</title>' +
    `<script src="${pageScriptUrl}"></script>`;
  const server = await serve(
    new Map([
      ['/', { type: 'text/html; charset=utf-8', body: html }],
      [pageScriptUrl, { type: 'text/javascript; charset=utf-8', body: await bundlePageScript() }],
      [exampleUrl, { type: 'text/javascript; charset=utf-8', body: bundle }],
    ]),
  );
  const context = await browser.newContext();
  const lines: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const page = await context.newPage();
    const finished = new Promise<void>((resolve, reject) => {
      const failWith = (reason: string) =>
        reject(
          new Error(
            `${label} failed in Chromium: ${reason}${lines.length ? `\nIt printed before failing:\n${lines.join('\n')}` : ''}`,
          ),
        );
      // The page gets its own, generous limit to load; the example's limit starts when it starts.
      timer = setTimeout(() => failWith(`the page did not load within ${pageLoadMs} ms`), pageLoadMs);
      page.on('crash', () => failWith('the page crashed'));
      page.on('pageerror', (error) => failWith(`uncaught error: ${error.name}: ${error.message}`));
      void page
        .exposeBinding(reportBinding, (_source, json: string) => {
          const message = JSON.parse(json) as PageMessage;
          switch (message.type) {
            case 'started':
              clearTimeout(timer);
              timer = setTimeout(() => failWith(`it did not finish within ${timeoutMs} ms`), timeoutMs);
              break;
            case 'stdout':
              lines.push(format(...decodeValues(message.args)));
              break;
            case 'stderr':
              process.stderr.write(`${format(...decodeValues(message.args))}\n`);
              break;
            case 'done':
              resolve();
              break;
            case 'error': {
              const [error] = decodeValues([message.error]);
              let text = format('%O', error);
              if (error instanceof Error) {
                const summary = `${error.name}: ${error.message}`;
                text = error.stack?.startsWith(summary)
                  ? error.stack
                  : `${summary}${error.stack ? `\n${error.stack}` : ''}`;
              }
              failWith(`${message.origin}: ${text}`);
            }
          }
        })
        .then(() => page.goto(server.url, { waitUntil: 'commit' }))
        .catch((error: unknown) => failWith(`could not load the page: ${(error as Error).message}`));
    });
    await finished;
    return lines.join('\n');
  } finally {
    clearTimeout(timer);
    await context.close();
    await server.close();
  }
}

/**
 * Bundles `packageDir`'s README example for the browser (see {@link bundleForBrowser}), runs it in
 * headless Chromium and returns what the README shows and what the browser printed — the browser
 * counterpart of `runReadmeExample`.
 *
 * @example
 * const { expected, actual } = await runReadmeExampleInBrowser(new URL('../packages/autograd/', import.meta.url));
 */
export async function runReadmeExampleInBrowser(
  packageDir: string | URL,
  options: BrowserRunOptions = {},
): Promise<{ expected: string; actual: string }> {
  const dir = typeof packageDir === 'string' ? packageDir : fileURLToPath(packageDir);
  const { code, output } = readmeExample(readFileSync(join(dir, 'README.md'), 'utf8'));
  const label = `The README example of ${dir}`;
  const bundle = await bundleForBrowser(code, dir, 'README.md example');
  const browser = options.browser ?? (await launchChromium());
  try {
    const actual = await runBundleInBrowser(bundle, { browser, timeoutMs: options.timeoutMs, label });
    return { expected: output.trimEnd(), actual: actual.trimEnd() };
  } finally {
    if (!options.browser) await browser.close();
  }
}
