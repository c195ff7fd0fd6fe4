// Tests tinyshakespeare's lookup order, cache and download with injected fetches: no test touches the internet.
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { DatasetError } from '../text/dataset-error.js';
import { splitText } from '../text/split-text.js';
import { textStats } from '../text/text-stats.js';
import { loadTinyShakespeare, tinygptCacheDir, TINYSHAKESPEARE_BYTES, TINYSHAKESPEARE_URL } from './tinyshakespeare.js';

/**
 * The shared copy of the real corpus, `../shared/datasets/tinyshakespeare.txt` from the repository
 * root (where the project's machines keep it); the assertions about its content are skipped elsewhere.
 */
const CI_COPY = fileURLToPath(new URL('../../../../shared/datasets/tinyshakespeare.txt', import.meta.url));
const haveCiCopy = existsSync(CI_COPY);
const noCopy = haveCiCopy ? '' : ' (skipped: no ../shared/datasets/tinyshakespeare.txt beside the repository)';

/** A stand-in of the right size: enough to exercise lookup, download and cache. */
const FAKE = `First Citizen:\n${'x'.repeat(TINYSHAKESPEARE_BYTES - 16)}\n`;

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'tinygpt-shakespeare-'));
const fetchReturning = (body: string | null, init?: ResponseInit) =>
  vi.fn<typeof fetch>(async () => new Response(body, init));
const never = vi.fn<typeof fetch>(async () => {
  throw new Error('fetch must not be called');
});

async function rejection(promise: Promise<unknown>): Promise<DatasetError> {
  const err = await promise.then(
    () => new Error('expected a DatasetError, the promise resolved'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatasetError);
  return err as DatasetError;
}

describe('loadTinyShakespeare', () => {
  it('reads an explicit path first, checking its size', async () => {
    const dir = tempDir();
    const path = join(dir, 'input.txt');
    writeFileSync(path, FAKE);
    const loaded = await loadTinyShakespeare({ path, env: { TINYSHAKESPEARE_PATH: '/nonexistent' }, fetch: never });
    expect(loaded).toEqual({ text: FAKE, source: path });

    writeFileSync(join(dir, 'short.txt'), 'To be, or not to be\n');
    const err = await rejection(loadTinyShakespeare({ path: join(dir, 'short.txt'), fetch: never }));
    expect(err.message).toMatch(
      /short\.txt \(from the path given\) has 20 bytes, but tinyshakespeare's input\.txt has 1,115,394/,
    );
  });

  it('then TINYSHAKESPEARE_PATH, before the cache', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'input.txt'), FAKE);
    const cacheDir = tempDir();
    writeFileSync(join(cacheDir, 'tinyshakespeare.txt'), FAKE.replace('First', 'Fifth'));
    const loaded = await loadTinyShakespeare({
      env: { TINYSHAKESPEARE_PATH: join(dir, 'input.txt') },
      cacheDir,
      fetch: never,
    });
    expect(loaded.source).toBe(join(dir, 'input.txt'));
    expect(loaded.text.startsWith('First')).toBe(true);

    const missing = join(dir, 'moved.txt');
    const err = await rejection(
      loadTinyShakespeare({ env: { TINYSHAKESPEARE_PATH: missing }, cacheDir, fetch: never }),
    );
    expect(err.message).toBe(`$TINYSHAKESPEARE_PATH: text file not found: ${missing}`);
  });

  it('then the cached copy, without fetching', async () => {
    const cacheDir = tempDir();
    writeFileSync(join(cacheDir, 'tinyshakespeare.txt'), FAKE);
    const loaded = await loadTinyShakespeare({ env: {}, cacheDir, fetch: never });
    expect(loaded).toEqual({ text: FAKE, source: join(cacheDir, 'tinyshakespeare.txt') });
    expect(never).not.toHaveBeenCalled();
  });

  it('downloads once into the cache, atomically, then reads the cache', async () => {
    const cacheDir = join(tempDir(), 'nested', 'tinygpt');
    const fetch = fetchReturning(FAKE);
    const first = await loadTinyShakespeare({ env: {}, cacheDir, fetch });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]![0]).toBe(TINYSHAKESPEARE_URL);
    expect(first.text).toBe(FAKE);
    expect(first.source).toBe(`${join(cacheDir, 'tinyshakespeare.txt')} (downloaded from ${TINYSHAKESPEARE_URL})`);
    expect(readdirSync(cacheDir)).toEqual(['tinyshakespeare.txt']); // no temporary file left behind
    expect(readFileSync(join(cacheDir, 'tinyshakespeare.txt'), 'utf8')).toBe(FAKE);

    const second = await loadTinyShakespeare({ env: {}, cacheDir, fetch });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(second.source).toBe(join(cacheDir, 'tinyshakespeare.txt'));
  });

  it('replaces a cached copy of the wrong size', async () => {
    const cacheDir = tempDir();
    writeFileSync(join(cacheDir, 'tinyshakespeare.txt'), FAKE.slice(0, 1000));
    const fetch = fetchReturning(FAKE);
    expect((await loadTinyShakespeare({ env: {}, cacheDir, fetch })).text).toBe(FAKE);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(readFileSync(join(cacheDir, 'tinyshakespeare.txt'), 'utf8')).toBe(FAKE);
  });

  it('refuses a download of the wrong length and caches nothing', async () => {
    const cacheDir = tempDir();
    const err = await rejection(
      loadTinyShakespeare({ env: {}, cacheDir, fetch: fetchReturning('<html>rate limited</html>') }),
    );
    expect(err.message).toBe(
      `downloaded 25 bytes from ${TINYSHAKESPEARE_URL}, but tinyshakespeare is 1,115,394; pass a copy with --data PATH`,
    );
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('without network fails with one message that says to pass --data PATH', async () => {
    const offline = vi.fn<typeof fetch>(async () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('getaddrinfo ENOTFOUND raw.githubusercontent.com'), { code: 'ENOTFOUND' }),
      });
    });
    const err = await rejection(loadTinyShakespeare({ env: {}, cacheDir: tempDir(), fetch: offline }));
    expect(err.message).toBe(
      `tinyshakespeare is not on this machine and downloading ${TINYSHAKESPEARE_URL} failed (ENOTFOUND); download ` +
        `input.txt yourself and pass --data PATH (or set TINYSHAKESPEARE_PATH)`,
    );
  });

  it('reports an HTTP error status', async () => {
    const err = await rejection(
      loadTinyShakespeare({
        env: {},
        cacheDir: tempDir(),
        fetch: fetchReturning('gone', { status: 404, statusText: 'Not Found' }),
      }),
    );
    expect(err.message).toMatch(/failed \(HTTP 404 Not Found\); download input\.txt yourself and pass --data PATH/);
  });

  it('fails cleanly with the real fetch against an unreachable local address', async () => {
    // A loopback port that was just free: nothing listens there, so the connection is refused.
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    await new Promise((done) => server.close(done));
    const url = `http://127.0.0.1:${port}/input.txt`;
    const err = await rejection(loadTinyShakespeare({ env: {}, cacheDir: tempDir(), url, timeoutMs: 5000 }));
    expect(err.message).toBe(
      `tinyshakespeare is not on this machine and downloading ${url} failed (ECONNREFUSED); download input.txt ` +
        `yourself and pass --data PATH (or set TINYSHAKESPEARE_PATH)`,
    );
  });
});

describe('tinygptCacheDir', () => {
  it('follows XDG_CACHE_HOME, else ~/.cache', () => {
    expect(tinygptCacheDir({ XDG_CACHE_HOME: '/var/cache/me' })).toBe('/var/cache/me/tinygpt');
    if (process.platform !== 'win32') expect(tinygptCacheDir({})).toBe(join(homedir(), '.cache', 'tinygpt'));
  });
});

describe.skipIf(!haveCiCopy)(`the real tinyshakespeare${noCopy}`, () => {
  it("has nanoGPT's figures: 1,115,394 characters, 65 distinct, 1,003,854 train / 111,540 val", async () => {
    const { text } = await loadTinyShakespeare({ path: CI_COPY, fetch: never });
    const stats = textStats(text);
    expect([stats.characters, stats.bytes, stats.vocabSize]).toEqual([1_115_394, 1_115_394, 65]);
    expect(stats.vocab.join('')).toBe("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    const { train, val } = splitText(text);
    expect([train.length, val.length]).toEqual([1_003_854, 111_540]);
    expect(text.startsWith('First Citizen:\nBefore we proceed any further, hear me speak.\n')).toBe(true);
  });
});
