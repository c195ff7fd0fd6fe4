// Runs every package's README example in headless Chromium and checks it prints exactly what the README shows; then
// tests the harness itself.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser, chromiumPath, launchChromium, runReadmeExampleInBrowser } from './browser-example.js';
import { readmeExamplePackages, runReadmeExample } from './readme-example.js';

const ciValue = process.env.CI?.toLowerCase();
const ci = ciValue !== undefined && ciValue !== '' && ciValue !== '0' && ciValue !== 'false';
const installed = existsSync(chromiumPath);
const missingBrowser = `${chromiumPath} not found; install it with apt-get install -y chromium`;
const packages = readmeExamplePackages(new URL('..', import.meta.url));

const fixtures = mkdtempSync(join(tmpdir(), 'tinygpt-browser-'));
afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

/** A throwaway package folder whose README shows `code` (and extra files beside it). */
function fixture(name: string, code: string, files: Record<string, string> = {}): string {
  const dir = join(fixtures, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  writeFileSync(join(dir, 'README.md'), `# ${name}\n\n\`\`\`ts\n${code}\n\`\`\`\n\nIt prints:\n\n\`\`\`text\n\`\`\`\n`);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

if (!installed && ci) {
  describe('Chromium', () => {
    it(`is installed at ${chromiumPath}`, () => {
      throw new Error(
        `The browser tests need Chromium at ${chromiumPath}: CI must install it (apt-get install -y chromium)`,
      );
    });
  });
} else if (!installed) {
  console.warn(`Skipping the browser tests: ${missingBrowser}`);
}

const inBrowser = installed ? describe : describe.skip;

inBrowser(`README examples in Chromium${installed ? '' : ` (skipped: ${missingBrowser})`}`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('finds the packages whose README has an example', () => {
    expect(packages.filter((p) => p.missing === null).length).toBeGreaterThan(0);
  });

  for (const { name, dir, missing } of packages) {
    if (missing !== null) {
      it.skip(`${name}: no README example to run (${missing})`, () => {});
      continue;
    }
    it(`${name}: README example prints what the README shows`, async () => {
      const { expected, actual } = await runReadmeExampleInBrowser(dir, { browser });
      expect(actual).toBe(expected);
    }, 90_000);
  }

  describe('the harness', () => {
    it('prints values exactly as Node does', async () => {
      const dir = fixture(
        'formatting',
        `class Point { constructor(public x: number, public y: number) {} }
const loop: { name: string; self?: unknown } = { name: 'loop' };
loop.self = loop;
console.log('numbers', 1 / 3, -0, NaN, -Infinity, 2n ** 70n, 1e21, 5e-7, Math.fround(0.1));
console.log('typed', Float32Array.of(0.1, -0, NaN, 1e-45), Int32Array.of(-1, 2 ** 31 - 1),
  new Uint8Array(4).subarray(1), new BigInt64Array(2));
console.log('nested', { a: [1, 'two', { three: [3, [4, [5]]] }], s: "it's", u: undefined, n: null });
console.log(new Point(1, 2), [new Point(3, 4)], Object.create(null), new (class extends Point {})(5, 6));
console.log(new Map([['k', { v: 1 }]]), new Set([1, 'a']), loop, [1, , 3], Object.assign([1, 2], { extra: true }));
console.log([function named() {}, () => 0, class Model {}, async () => {}, function* gen() {}, Symbol('tag')]);
console.log('format %s=%d %i %f %j %o %c%% %O', 'x', 42.5, 42.5, '1.5', { j: [1] }, [1, { o: 2 }], 'color: red', { O: [[[1]]] }, 'rest');
console.log(new Date(0), new Date(NaN), /ab+c/gi, new Error('an error').message);
console.log(Array.from({ length: 30 }, (_, i) => i * 1.5), 'x'.repeat(100));
console.log({ get lazy() { return 1; }, set lazy(_v: number) {}, [Symbol('key')]: 'symbol-keyed', 'needs quotes': 1 });
console.log(new ArrayBuffer(3), [[[[{ deep: true }]]]], String(new RangeError('bad shape')));
console.info('info goes to stdout too');`,
      );
      const node = runReadmeExample(dir).actual;
      const { actual } = await runReadmeExampleInBrowser(dir, { browser });
      expect(node.split('\n').length).toBeGreaterThanOrEqual(12);
      expect(node).toContain('Point { x: 1, y: 2 } [ Point { x: 3, y: 4 } ] [Object: null prototype] {}');
      expect(actual).toBe(node);
    }, 90_000);

    it('waits for top-level await and keeps the order of output', async () => {
      const dir = fixture(
        'await',
        `console.log('first');
await new Promise((resolve) => setTimeout(resolve, 20));
console.log('second', await Promise.resolve(2));`,
      );
      const { actual } = await runReadmeExampleInBrowser(dir, { browser });
      expect(actual).toBe('first\nsecond 2');
    }, 90_000);

    it('runs cross-origin isolated: SharedArrayBuffer, WebAssembly and workers work', async () => {
      const dir = fixture(
        'isolated',
        `console.log(crossOriginIsolated, typeof SharedArrayBuffer);
// (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
const wasm = Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3,
  97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11);
const { instance } = await WebAssembly.instantiate(wasm);
console.log('wasm add', (instance.exports.add as (a: number, b: number) => number)(2, 3));
const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
const shared = new Int32Array(memory.buffer, 0, 1);
shared[0] = 1;
const source = 'onmessage = (e) => { Atomics.add(new Int32Array(e.data, 0, 1), 0, 41); postMessage("done"); }';
const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
await new Promise((resolve) => { worker.onmessage = resolve; worker.postMessage(memory.buffer); });
worker.terminate();
console.log('worker added to shared memory', shared[0]);`,
      );
      const { actual } = await runReadmeExampleInBrowser(dir, { browser });
      expect(actual).toBe('true function\nwasm add 5\nworker added to shared memory 42');
    }, 90_000);

    it('fails with the message of an error the example throws, after the output so far', async () => {
      const dir = fixture(
        'throws',
        `console.log('before the error');\nthrow new RangeError('shape [2, 3] does not match [3, 2]');`,
      );
      await expect(runReadmeExampleInBrowser(dir, { browser })).rejects.toThrow(
        /the example threw: RangeError: shape \[2, 3\] does not match \[3, 2\][\s\S]*It printed before failing:\nbefore the error/,
      );
    }, 90_000);

    it('fails on an error thrown outside the module, in a timer', async () => {
      const dir = fixture(
        'uncaught',
        `setTimeout(() => { throw new TypeError('thrown in a timer'); }, 0);\nawait new Promise((resolve) => setTimeout(resolve, 100));`,
      );
      await expect(runReadmeExampleInBrowser(dir, { browser })).rejects.toThrow(
        /uncaught error: TypeError: thrown in a timer/,
      );
    }, 90_000);

    it('fails on an unhandled promise rejection, even one the module does not wait for', async () => {
      const dir = fixture(
        'rejection',
        `void (async () => { await null; await null; throw new Error('nobody caught me'); })();\n` +
          `console.log('the module itself finished');`,
      );
      await expect(runReadmeExampleInBrowser(dir, { browser })).rejects.toThrow(
        /unhandled promise rejection: Error: nobody caught me/,
      );
    }, 90_000);

    it('fails when the example does not finish in time', async () => {
      const dir = fixture('hangs', `console.log('waiting forever');\nawait new Promise(() => {});`);
      await expect(runReadmeExampleInBrowser(dir, { browser, timeoutMs: 5_000 })).rejects.toThrow(
        /did not finish within 5000 ms\nIt printed before failing:\nwaiting forever/,
      );
    }, 90_000);

    it('refuses console methods whose Node layout it does not reproduce', async () => {
      const dir = fixture('table', `console.table([{ a: 1 }]);`);
      await expect(runReadmeExampleInBrowser(dir, { browser })).rejects.toThrow(
        /console\.table is not captured in the browser harness/,
      );
    }, 90_000);
  });
});

describe('bundling a README example for the browser', () => {
  it('fails loudly on a node: import, naming it and where it is', async () => {
    const dir = fixture('node-import', `import { readFileSync } from 'node:fs';\nconsole.log(readFileSync);`);
    const run = runReadmeExampleInBrowser(dir);
    await expect(run).rejects.toThrow(/Cannot bundle the README\.md example for the browser/);
    await expect(run).rejects.toThrow(
      /README\.md example:1:\d+: "node:fs" is a Node built-in: code under packages\/ must run in a browser/,
    );
  });

  it('fails loudly on a Node built-in imported without the node: prefix, deep in a dependency', async () => {
    const dir = fixture('bare-builtin', `import { shout } from './lib.js';\nconsole.log(shout('hi'));`, {
      'lib.ts': `import { EOL } from 'os';\nexport const shout = (s: string) => s.toUpperCase() + EOL;\n`,
    });
    await expect(bundleForBrowser(`import { shout } from './lib.js';\nshout('hi');`, dir)).rejects.toThrow(
      /lib\.ts:1:\d+: "os" is a Node built-in: code under packages\/ must run in a browser/,
    );
  });

  it('resolves workspace packages to their sources, with no build', async () => {
    const autograd = packages.find((p) => p.name === 'autograd');
    expect(autograd).toBeDefined();
    const code = await bundleForBrowser(
      `import { Rng } from '@tinygpt/autograd';\nconsole.log(new Rng(1));`,
      autograd!.dir,
    );
    expect(code).toMatch(/packages\/autograd\/src\//);
    expect(code).not.toMatch(/autograd\/dist\//);
  });

  it('rejects a README without an example', async () => {
    const dir = join(fixtures, 'no-example');
    mkdirSync(dir);
    writeFileSync(join(dir, 'README.md'), '# nothing to run\n');
    await expect(runReadmeExampleInBrowser(dir)).rejects.toThrow(/README has no ```ts example/);
  });
});
