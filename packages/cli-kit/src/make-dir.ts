// Creates a directory and its missing parents, as `mkdir -p`, with one readable error when it cannot.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from './cli-error.js';
import { describeFsError } from './fs-error.js';

/**
 * Creates `dir` and any missing parents (an existing directory is fine), one level at a time:
 * Node's `mkdirSync(dir, { recursive: true })` loops forever, deaf to Ctrl-C, where the kernel
 * answers "no such file" for a parent that exists (under /proc or /sys).
 * @param what How messages name the directory, e.g. `'--out-dir'` (default: nothing).
 * @throws CliError such as "cannot create --out-dir runs/x: a part of the path is a file, not a directory".
 * @example
 * makeDir(config.outDir, '--out-dir'); // before the work whose result goes there
 */
export function makeDir(dir: string, what = ''): void {
  const fail = (err: unknown): never => {
    throw new CliError(`cannot create ${what ? `${what} ` : ''}${dir}: ${reason(err)}`, { cause: err });
  };
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    try {
      if (statSync(at).isDirectory()) break;
      fail(Object.assign(new Error(`${at} is a file`), { code: 'ENOTDIR' }));
    } catch (err) {
      if (err instanceof CliError) throw err;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) fail(err);
      missing.push(at);
    }
  }
  for (const at of missing.reverse()) {
    try {
      mkdirSync(at);
    } catch (err) {
      // Another process made it meanwhile: fine.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(at).isDirectory()) fail(err);
    }
  }
}

/** Why a directory cannot be made: ENOENT although its parent exists means the file system takes none there. */
function reason(err: unknown): string {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'the file system there does not allow new directories';
  return describeFsError(err);
}
