// Files a training run must not corrupt: atomic writes (temporary file, fsync, rename) and JSON reads with clear errors.
import { readFileSync, statSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CliError } from './cli-error.js';

/** What {@link writeFileAtomic} writes: the whole contents, or a function that writes them chunk by chunk. */
export type AtomicData =
  string | Uint8Array | ((write: (chunk: string | Uint8Array) => Promise<void>) => Promise<void>);

let tempCounter = 0;

/**
 * Replaces `path` with `data` so that a reader (or a crash, or Ctrl-C) sees either the old file or
 * the complete new one, never half of it: the data goes to a temporary file in the same directory,
 * is fsynced, then renamed over `path` (an atomic replace on POSIX file systems), and the directory
 * is fsynced so the rename survives a power cut. On any error the temporary file is removed, the
 * old file is untouched, and the error is rethrown. An existing file keeps its permission bits.
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
    throw err;
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

/**
 * Reads and parses a JSON file, failing with one {@link CliError} sentence that uses `what` to say
 * which file it is when the file is missing, a directory, empty, or not valid JSON.
 *
 * @returns the parsed value, `unknown` until the caller checks its shape
 * @example
 * const settings = readJsonFile('config/small.json', 'config file');
 * // missing → "config file not found: config/small.json"
 */
export function readJsonFile(path: string, what = 'JSON file'): unknown {
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new CliError(`${what} ${path} is a directory, not a JSON file`);
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, ''); // a byte-order mark is not JSON
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${what} not found: ${path}`, { cause: err });
    throw new CliError(`cannot read ${what} ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (text.trim() === '') throw new CliError(`${what} ${path} is empty`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`${what} ${path} is not valid JSON (${(err as Error).message})`, { cause: err });
  }
}
