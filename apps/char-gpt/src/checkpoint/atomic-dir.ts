// Replaces a directory's files all at once: write a fresh sibling, swap the two with renames, and finish any swap a crash interrupted.
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
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';

/** The files a char-gpt run keeps in its out dir; nothing else is ever written or deleted there. */
export const RUN_FILES = ['checkpoint.json', 'model.safetensors', 'optimizer.safetensors', 'log.csv'] as const;

/** Siblings used during a swap: the new contents being written, and the old contents being retired. */
function siblings(dir: string): { next: string; prev: string } {
  return { next: `${dir}.next`, prev: `${dir}.prev` };
}

/**
 * Brings `dir` to its last complete state after a crash at any point of {@link replaceDirFiles}:
 * - `dir` gone but `dir.next` and `dir.prev` present: the new contents were complete (the old
 *   ones are retired only after that), so `dir.next` becomes `dir`;
 * - `dir` gone and only `dir.prev` present: the old contents are restored;
 * - `dir` present: a leftover `dir.next` was never finished and `dir.prev` is already replaced;
 *   both are removed.
 */
export function recoverDir(dir: string): void {
  const { next, prev } = siblings(dir);
  if (!existsSync(dir)) {
    if (existsSync(next) && existsSync(prev)) renameSync(next, dir);
    else if (existsSync(prev)) renameSync(prev, dir);
  }
  if (existsSync(dir)) {
    removeRunDir(next);
    removeRunDir(prev);
  }
}

/**
 * Makes `dir` hold exactly `files` (name → contents) plus copies of the `carry` files it already
 * has, such that at every instant either the old set or the new set is complete on disk:
 * everything is written and flushed into `dir.next`, then `dir` → `dir.prev`, `dir.next` → `dir`,
 * and `dir.prev` is removed. Readers call {@link recoverDir} first.
 */
export function replaceDirFiles(
  dir: string,
  files: Record<string, Uint8Array | string>,
  carry: readonly string[] = [],
): void {
  recoverDir(dir);
  const { next, prev } = siblings(dir);
  removeRunDir(next);
  mkdirSync(next, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(`${next}/${name}`, data, { flush: true });
  for (const name of carry) {
    if (existsSync(`${dir}/${name}`)) copyFileSync(`${dir}/${name}`, `${next}/${name}`);
  }
  syncDir(next);
  if (existsSync(dir)) renameSync(dir, prev);
  renameSync(next, dir);
  syncDir(dirname(dir));
  removeRunDir(prev);
}

/** Removes a run directory's own files and then the directory, leaving anything else (and so the directory) in place. */
function removeRunDir(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of RUN_FILES) rmSync(`${dir}/${name}`, { force: true });
  if (readdirSync(dir).length === 0) rmdirSync(dir);
}

/** Flushes a directory's entries (the renames) to disk where the platform allows it. */
function syncDir(dir: string): void {
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
