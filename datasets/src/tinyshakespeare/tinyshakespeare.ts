// Finds Karpathy's tinyshakespeare (char-rnn's input.txt): an explicit path, $TINYSHAKESPEARE_PATH, the user's cache,
// or a one-time download into it.
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeDir } from '@tinygpt/cli-kit';
import { DatasetError } from '../text/dataset-error.js';
import { loadTextFile } from '../text/load-text-file.js';

/** Where the corpus is downloaded from: the file nanoGPT's `data/shakespeare_char/prepare.py` fetches. */
export const TINYSHAKESPEARE_URL =
  'https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt';

/** Exact size of input.txt: 1,115,394 bytes, all ASCII, so also 1,115,394 characters. */
export const TINYSHAKESPEARE_BYTES = 1_115_394;

/** Options of {@link loadTinyShakespeare}; every one has a sensible default and exists so tests need no network. */
export interface TinyShakespeareOptions {
  /** Read this file (checked to be the 1,115,394-byte input.txt) and nothing else. */
  readonly path?: string;
  /** Environment to read `TINYSHAKESPEARE_PATH` and the cache location from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Cache directory (default {@link tinygptCacheDir}). */
  readonly cacheDir?: string;
  /** Download URL (default {@link TINYSHAKESPEARE_URL}). */
  readonly url?: string;
  /** The fetch to download with (default the global `fetch`). */
  readonly fetch?: typeof globalThis.fetch;
  /** Give up on the download after this long (default 60 s). */
  readonly timeoutMs?: number;
}

/** The corpus and where it came from (a path, with a note when it was just downloaded). */
export interface LoadedText {
  readonly text: string;
  readonly source: string;
}

/**
 * tinygpt's cache directory: `$XDG_CACHE_HOME/tinygpt`, else `~/.cache/tinygpt`
 * (`%LOCALAPPDATA%\tinygpt` on Windows).
 */
export function tinygptCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'tinygpt');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'tinygpt');
  return join(homedir(), '.cache', 'tinygpt');
}

/**
 * Loads tinyshakespeare, looking in order at: `options.path`; the `TINYSHAKESPEARE_PATH`
 * environment variable; `tinyshakespeare.txt` in the cache directory; and finally downloads
 * {@link TINYSHAKESPEARE_URL} once, checks its length, and writes it atomically into the cache.
 * A file found by path or environment must be the 1,115,394-byte original; a cached copy of the
 * wrong size is downloaded again. Without network the download fails with one
 * {@link DatasetError} that says to pass `--data PATH`.
 *
 * @example
 * const { text, source } = await loadTinyShakespeare(); // text.length 1,115,394
 */
export async function loadTinyShakespeare(options: TinyShakespeareOptions = {}): Promise<LoadedText> {
  const env = options.env ?? process.env;
  if (options.path !== undefined)
    return { text: loadChecked(options.path, 'the path given'), source: resolve(options.path) };
  const fromEnv = env.TINYSHAKESPEARE_PATH;
  if (fromEnv) {
    try {
      return { text: loadChecked(fromEnv, 'TINYSHAKESPEARE_PATH'), source: resolve(fromEnv) };
    } catch (err) {
      // A variable set long ago is easy to forget: the message says where the path came from.
      if (!(err instanceof DatasetError) || err.message.includes('(from TINYSHAKESPEARE_PATH)')) throw err;
      throw new DatasetError(`$TINYSHAKESPEARE_PATH: ${err.message}`, { cause: err });
    }
  }

  const cacheDir = options.cacheDir ?? tinygptCacheDir(env);
  const cached = join(cacheDir, 'tinyshakespeare.txt');
  if (existsSync(cached) && statSync(cached).size === TINYSHAKESPEARE_BYTES) {
    return { text: loadTextFile(cached), source: cached };
  }

  const url = options.url ?? TINYSHAKESPEARE_URL;
  const bytes = await download(url, options.fetch ?? globalThis.fetch, options.timeoutMs ?? 60_000);
  if (bytes.length !== TINYSHAKESPEARE_BYTES) {
    throw new DatasetError(
      `downloaded ${bytes.length.toLocaleString('en-US')} bytes from ${url}, but tinyshakespeare is ` +
        `${TINYSHAKESPEARE_BYTES.toLocaleString('en-US')}; pass a copy with --data PATH`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DatasetError(`the file downloaded from ${url} is not UTF-8 text; pass a copy with --data PATH`);
  }
  try {
    writeAtomically(cacheDir, cached, bytes);
    return { text, source: `${cached} (downloaded from ${url})` };
  } catch (err) {
    // The cache is a convenience: the corpus is in hand even when it cannot be kept.
    return { text, source: `${url} (not cached: ${(err as Error).message})` };
  }
}

/** Reads a user-named copy and checks it is the original input.txt. */
function loadChecked(path: string, origin: string): string {
  const text = loadTextFile(path);
  const size = Buffer.byteLength(text, 'utf8');
  if (size !== TINYSHAKESPEARE_BYTES) {
    throw new DatasetError(
      `${path} (from ${origin}) has ${size.toLocaleString('en-US')} bytes, but tinyshakespeare's input.txt has ` +
        `${TINYSHAKESPEARE_BYTES.toLocaleString('en-US')}; for another text pass it as a plain corpus path`,
    );
  }
  return text;
}

async function download(url: string, fetchFn: typeof globalThis.fetch, timeoutMs: number): Promise<Uint8Array> {
  try {
    const response = await fetchFn(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    return new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    throw new DatasetError(
      `tinyshakespeare is not on this machine and downloading ${url} failed (${reason(err)}); download input.txt ` +
        `yourself and pass --data PATH (or set TINYSHAKESPEARE_PATH)`,
      { cause: err },
    );
  }
}

/** The most specific reason a fetch failed: undici hides the system error (ENOTFOUND, ECONNREFUSED) in `cause`. */
function reason(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** Writes a temporary file beside `path` and renames it over `path`, so readers never see half a file. */
function writeAtomically(dir: string, path: string, bytes: Uint8Array): void {
  makeDir(dir);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, bytes, { flush: true });
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
