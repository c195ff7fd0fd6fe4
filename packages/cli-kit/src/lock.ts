// The one-writer lock of a directory: `DIR.lock`, created exclusively, naming the process that writes DIR; a dead
// writer's lock is taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { CliError } from './cli-error.js';
import { swapPaths } from './files.js';
import { describeFsError } from './fs-error.js';
import { makeDir } from './make-dir.js';

/** What a lock file holds: who writes the directory. */
interface LockOwner {
  pid: number;
  host: string;
  started: string;
}

const heldLocks = new Set<string>();

/**
 * Takes the one-writer lock of `dir`: the file `dir.lock`, created exclusively, holding this
 * process's pid and host. A lock whose process no longer runs (a crash, SIGKILL) is taken over; a
 * live one is refused with a message naming the process. The lock is released by the returned
 * function, and at the latest when the process exits.
 * @throws CliError when another live process (or another writer in this one) holds the lock.
 */
export function lockDir(dir: string, what = 'directory'): () => void {
  const { lock } = swapPaths(dir);
  if (heldLocks.has(lock)) throw new CliError(`${what} ${swapPaths(dir).dir} is already being written by this process`);
  makeDir(dirname(lock));
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lock, `${JSON.stringify(me)}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        // Not another writer's lock: a file this call created but could not fill (a full disk) goes.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') removeQuietly(lock);
        throw lockError(err, lock);
      }
      const owner = readLockOwner(lock);
      if (owner && isAlive(owner)) {
        throw new CliError(
          `${what} ${swapPaths(dir).dir} is being written by process ${owner.pid} on ${owner.host} (since ${owner.started}); ` +
            `one writer at a time — wait for it to finish, or remove ${lock} if that process is not a tinygpt run`,
        );
      }
      rmSync(lock, { force: true }); // left by a process that no longer runs
    }
  }
  heldLocks.add(lock);
  const release = (): void => {
    if (!heldLocks.delete(lock)) return;
    if (readLockOwner(lock)?.pid === process.pid) rmSync(lock, { force: true });
    process.off('exit', release);
  };
  process.on('exit', release);
  return release;
}

/** Removes `path` if it is there and can be removed: cleanup that must not hide the error being reported. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // the error being reported is the one that matters
  }
}

function readLockOwner(lock: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(lock, 'utf8')) as Partial<LockOwner>;
    if (typeof owner.pid === 'number' && typeof owner.host === 'string')
      return { pid: owner.pid, host: owner.host, started: String(owner.started) };
  } catch {
    // unreadable or half-written: treated as stale
  }
  return undefined;
}

/** Whether the lock's process still runs; on another host that cannot be known, so it counts as alive. */
function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return false; // our own lock from a writer that did not release it
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockError(err: unknown, lock: string): CliError {
  return new CliError(`cannot create the lock file ${lock}: ${describeFsError(err)}`, { cause: err });
}
