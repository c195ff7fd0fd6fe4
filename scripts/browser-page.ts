// Runs in the browser page before a README example: captures its console output, catches its errors, imports it and
// reports when it has finished.
//
// esbuild bundles this file into a classic script (see browser-example.ts); it talks to Node only
// through the `__tinygptReport` binding that Playwright exposes before the page loads.
import { exampleUrl, reportBinding } from './browser-protocol.js';
import type { PageMessage } from './browser-protocol.js';
import { encodeValues } from './console-values.js';
import type { Encoded } from './console-values.js';

/** The little of a browser window this script uses (the scripts tsconfig has Node's types, not the DOM's). */
interface PageGlobal {
  addEventListener(
    type: 'error',
    listener: (event: { error: unknown; message: string; preventDefault(): void }) => void,
  ): void;
  addEventListener(
    type: 'unhandledrejection',
    listener: (event: { reason: unknown; preventDefault(): void }) => void,
  ): void;
}

function start(): void {
  const page = globalThis as unknown as PageGlobal & Record<string, unknown>;
  const binding = page[reportBinding];
  if (typeof binding !== 'function')
    throw new Error(`the ${reportBinding} binding is missing: load this page through the harness`);
  const report = (message: PageMessage) => void (binding as (json: string) => Promise<void>)(JSON.stringify(message));

  let finished = false;
  const fail = (error: unknown, origin: string) => {
    if (finished) return;
    finished = true;
    let encoded: Encoded;
    try {
      [encoded] = encodeValues([error]) as [Encoded];
    } catch {
      encoded = String(error);
    }
    report({ type: 'error', error: encoded, origin });
  };

  // Node's console writes these to stdout; the README's text block is what they print.
  const stdout = ['log', 'info', 'debug'] as const;
  for (const method of stdout)
    console[method] = (...args: unknown[]) => report({ type: 'stdout', args: encodeValues(args) });
  for (const method of ['warn', 'error', 'trace'] as const) {
    console[method] = (...args: unknown[]) => report({ type: 'stderr', args: encodeValues(args) });
  }
  // Node prints these to stdout in its own layouts (tables, indentation, counters), which the harness does not reproduce.
  for (const method of [
    'dir',
    'dirxml',
    'table',
    'group',
    'groupCollapsed',
    'groupEnd',
    'count',
    'countReset',
    'time',
    'timeLog',
    'timeEnd',
  ] as const) {
    console[method] = () => {
      throw new Error(`console.${method} is not captured in the browser harness: print with console.log`);
    };
  }

  // preventDefault: the error is reported here, once, rather than also as a page error.
  page.addEventListener('error', (event) => {
    event.preventDefault();
    fail(event.error ?? event.message, 'uncaught error');
  });
  page.addEventListener('unhandledrejection', (event) => {
    event.preventDefault();
    fail(event.reason, 'unhandled promise rejection');
  });

  const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
  // The example's time limit counts from here: loading the page itself may be slow on a busy machine.
  report({ type: 'started' });
  import(exampleUrl).then(
    async () => {
      // Rejections left unhandled by the example's last microtasks are reported in a task of their own: let it run first.
      await nextTask();
      await nextTask();
      if (!finished) {
        finished = true;
        report({ type: 'done' });
      }
    },
    (error: unknown) => fail(error, 'the example threw'),
  );
}

start();
