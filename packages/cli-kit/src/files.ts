// Files and directories a run must not corrupt: atomic file writes, whole-directory swaps (their one writer holds
// lock.ts's lock) with consistent readers, JSON reads with clear errors.
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { formatBytes } from './bytes.js';
import { CliError } from './cli-error.js';
import { writeError } from './fs-error.js';
import { readUserFile } from './read-file.js';

/** What {@link writeFileAtomic} writes: the whole contents, or a function that writes them chunk by chunk. */
export type AtomicData =
  string | Uint8Array | ((write: (chunk: string | Uint8Array) => Promise<void>) => Promise<void>);

let tempCounter = 0;

/**
 * Replaces `path` with `data` so that a reader (or a crash, or Ctrl-C) sees either the old file or
 * the complete new one, never half of it: the data goes to a temporary file in the same directory,
 * is fsynced, then renamed over `path` (an atomic replace on POSIX file systems), and the directory
 * is fsynced so the rename survives a power cut. On any error the temporary file is removed, the
 * old file is untouched, and the error is rethrown (a file-system error as a {@link CliError} that
 * says in words why `path` cannot be written). An existing file keeps its permission bits.
 *
 * `data` may be a function that receives `write(chunk)`, to stream a large checkpoint without
 * building it in memory first.
 *
 * @example
 * await writeFileAtomic('out/ckpt.json', JSON.stringify(checkpoint));
 * await writeFileAtomic('out/weights.bin', async (write) => { for (const t of tensors) await write(t.data); });
 */
export async function writeFileAtomic(path: string, data: AtomicData, options: { mode?: number } = {}): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${tempCounter++}`;
  const mode = options.mode ?? (await existingMode(path));
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx', mode ?? 0o666);
    const file = handle;
    if (mode !== undefined) await file.chmod(mode); // open's mode is filtered by the umask
    const write = async (chunk: string | Uint8Array): Promise<void> => {
      await file.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    };
    if (typeof data === 'function') await data(write);
    else await write(data);
    await file.sync();
    await file.close();
    handle = undefined;
    await rename(temp, path);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true });
    // A file-system error (a directory in the way, a full disk) in words; an error of `data` itself as it is.
    throw writeError(path, err);
  }
  await syncDirectory(dirname(path));
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** fsyncs a directory so a rename in it is durable; some platforms (Windows) cannot, which is harmless. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported here: the rename is still atomic, only its durability after power loss is unknown.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** The largest JSON file read: 64 MB (config files and checkpoint metadata are a few KB). */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

/**
 * Reads and parses a JSON file, failing with one {@link CliError} sentence that uses `what` to say
 * which file it is when the file is missing, a directory, not a regular file (a device or FIFO:
 * refused before reading, see {@link readUserFile}), above 64 MB, empty, or not valid JSON; the
 * error's exit code is `exitCode` (a file the user named on the command line: 2, a usage error).
 *
 * @returns the parsed value, `unknown` until the caller checks its shape
 * @example
 * const settings = readJsonFile('config/small.json', 'config file');
 * // missing → "config file not found: config/small.json"
 */
export function readJsonFile(path: string, what = 'JSON file', exitCode = 1): unknown {
  const text = utf8Text(readUserFile(path, { what, maxBytes: MAX_JSON_BYTES, exitCode }), `${what} ${path}`, exitCode);
  if (text.trim() === '') throw new CliError(`${what} ${path} is empty`, { exitCode });
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`${what} ${path} is not valid JSON (${(err as Error).message})`, { cause: err, exitCode });
  }
}

/**
 * `bytes` as UTF-8 text without a leading byte-order mark, or a CliError saying that `what` is not
 * UTF-8: a stray byte would otherwise become U+FFFD inside a value (a path, a name) without a word.
 */
export function utf8Text(bytes: Uint8Array, what: string, exitCode = 1): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes); // drops a byte-order mark
  } catch {
    throw new CliError(`${what} is not valid UTF-8 text; save it as UTF-8`, { exitCode });
  }
}

// ---------------------------------------------------------------------------------------------
// Directories replaced whole. A directory DIR is never edited in place: the writer builds the new
// contents in the sibling DIR.next, flushes them, renames DIR → DIR.prev and DIR.next → DIR, and
// removes DIR.prev. A crash leaves at most one of the states below, which only the writer (holding
// DIR.lock) repairs; readers work out where the last complete contents are without changing
// anything, and retry when a swap happened while they read (the directory's identity changed).
// ---------------------------------------------------------------------------------------------

/** Siblings of a swap: the new contents being written, the old ones being retired, the writer's lock. */
export function swapPaths(dir: string): { dir: string; next: string; prev: string; lock: string } {
  const at = resolve(dir); // no trailing slash: `runs/x/` and `runs/x` are one directory
  return { dir: at, next: `${at}.next`, prev: `${at}.prev`, lock: `${at}.lock` };
}

/**
 * Where the last complete contents of `dir` are, without changing anything: `dir` itself; or,
 * while (or after a crash during) a swap, `dir.next` when `dir.prev` shows the old contents were
 * already retired, else `dir.prev`; undefined when there is none of them.
 */
export function readableDir(dir: string): string | undefined {
  const { dir: at, next, prev } = swapPaths(dir);
  if (existsSync(at)) return at;
  if (!existsSync(prev)) return existsSync(at) ? at : undefined;
  if (existsSync(next)) return next;
  // DIR.next may have become DIR since DIR was looked at: DIR.prev is the answer only if not.
  return existsSync(at) ? at : prev;
}

/**
 * Brings `dir` to its last complete state after a crash at any point of {@link replaceDirAtomic}.
 * Only the writer calls this, holding the lock (`lockDir`, lock.ts): `dir` gone with `dir.next` and
 * `dir.prev` present means the new contents were complete, so `dir.next` becomes `dir`; with only
 * `dir.prev`, the old contents come back; with `dir` present, leftovers are removed. `owned` names
 * the files the writer may delete; anything else keeps its directory in place.
 */
export function recoverDirSwap(dir: string, owned: readonly string[]): void {
  const { dir: at, next, prev } = swapPaths(dir);
  if (!existsSync(at)) {
    if (existsSync(next) && existsSync(prev)) renameSync(next, at);
    else if (existsSync(prev)) renameSync(prev, at);
  }
  if (existsSync(at)) {
    removeOwned(next, owned);
    removeOwned(prev, owned);
  }
}

/**
 * Makes `dir` hold exactly `files` (name → contents) plus copies of the `carry` files it already
 * has, such that at every instant the old set or the new set is complete on disk (see above).
 * The caller holds the lock (`lockDir`, lock.ts) and has run {@link recoverDirSwap}.
 * @throws CliError when the new set cannot be written (a full disk, say): `dir` keeps the old set,
 *   and the part of the new one already written is removed, giving its space back.
 */
export function replaceDirAtomic(
  dir: string,
  files: Record<string, Uint8Array | string>,
  opts: { carry?: readonly string[]; owned: readonly string[] },
): void {
  const { dir: at, next, prev } = swapPaths(dir);
  try {
    removeOwned(next, opts.owned);
    mkdirSync(next, { recursive: true });
    for (const [name, data] of Object.entries(files)) writeFileSync(join(next, name), data, { flush: true });
    for (const name of opts.carry ?? []) {
      if (existsSync(join(at, name))) copyFileSync(join(at, name), join(next, name));
    }
    syncDirectorySync(next);
    if (existsSync(at)) renameSync(at, prev);
    renameSync(next, at);
  } catch (err) {
    abandonSwap(at, next, prev, opts.owned);
    let room = '';
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      let bytes = 0;
      for (const data of Object.values(files))
        bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      room = ` (the new contents, ${formatBytes(bytes)}, are written whole beside the old before replacing them)`;
    }
    throw writeError(at, err, room);
  }
  syncDirectorySync(dirname(at));
  removeOwned(prev, opts.owned);
}

/**
 * After a swap failed before the new contents became `dir`: the old contents back in place (if
 * they had been retired) and what was written of the new ones removed, as far as the file system
 * allows; whatever is left, {@link recoverDirSwap} sorts out at the next writer's start.
 */
function abandonSwap(at: string, next: string, prev: string, owned: readonly string[]): void {
  try {
    if (!existsSync(at) && existsSync(prev)) renameSync(prev, at);
    if (existsSync(at) || !existsSync(prev)) removeOwned(next, owned);
  } catch {
    // the error being reported is the one that matters
  }
}

/** Removes `owned` files of `dir`, then `dir` when that left it empty. */
function removeOwned(dir: string, owned: readonly string[]): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) {
    throw new CliError(
      `${dir} is in the way (a file where a directory is staged while it is replaced); move or remove it`,
    );
  }
  for (const name of owned) rmSync(join(dir, name), { force: true });
  if (readdirSync(dir).length === 0) rmdirSync(dir);
}

/** Flushes a directory's entries (the renames) to disk where the platform allows it. */
function syncDirectorySync(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Directories cannot be opened for fsync on Windows; the renames are still atomic there.
  }
}

/**
 * Identity of the directory at `path` (a swap puts a new one there), or undefined when none is
 * there: device and inode, plus birth and change times, since a file system may give a new
 * directory the inode number of one just removed (two swaps during one read).
 */
function identity(path: string): string | undefined {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.birthtimeNs}:${s.ctimeNs}`;
  } catch {
    return undefined;
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Reads directory `dir` consistently while a writer may be replacing it: `read(at)` gets the path
 * of the last complete contents ({@link readableDir}); when a swap happened during the read (the
 * directory there is no longer the one read, or it vanished), the read is repeated, up to
 * `attempts` times with a short pause. An error from a read of `dir` itself that no swap disturbed
 * is the answer at once; one from `dir.next` or `dir.prev` (names a live writer reuses) is retried.
 * Nothing on disk is changed.
 * @throws whatever `read` throws, or `missing(dir)` when there is no directory at all.
 */
export function readDirConsistent<T>(
  dir: string,
  read: (at: string) => T,
  missing: (dir: string) => Error,
  attempts = 100,
): T {
  const paths = swapPaths(dir);
  for (let attempt = 1; ; attempt++) {
    // A swap can finish between readableDir's checks of DIR and DIR.prev: look twice more before
    // concluding that there is nothing.
    let at = readableDir(dir);
    for (let look = 0; at === undefined && look < 2; look++) {
      Atomics.wait(pause, 0, 0, 1);
      at = readableDir(dir);
    }
    if (at === undefined) throw missing(dir);
    const before = identity(at);
    let value: T;
    try {
      value = read(at);
    } catch (err) {
      // A failed read of DIR that no swap disturbed is the answer; anything else is retried.
      if (attempt >= attempts || (at === paths.dir && before !== undefined && identity(at) === before)) throw err;
      Atomics.wait(pause, 0, 0, Math.min(attempt, 20));
      continue;
    }
    if (settled(paths, at, before) || attempt >= attempts) return value;
  }
}

/**
 * Whether what was read at `at` (whose identity was `before`) is still the directory's last
 * complete contents: DIR unchanged; DIR.next that became DIR, or is still waiting between the
 * renames (or after a crash there); DIR.prev still the only copy. DIR.next is also the name of a
 * swap in progress, which is complete only once it is published, so it counts only in those cases.
 */
function settled(paths: ReturnType<typeof swapPaths>, at: string, before: string | undefined): boolean {
  if (before === undefined) return false;
  if (at === paths.dir) return identity(paths.dir) === before;
  if (at === paths.next) {
    if (identity(paths.dir) === before) return true;
    return identity(paths.next) === before && !existsSync(paths.dir) && existsSync(paths.prev);
  }
  return identity(paths.prev) === before && !existsSync(paths.dir) && !existsSync(paths.next);
}
