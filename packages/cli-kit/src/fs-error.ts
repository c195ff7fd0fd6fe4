// File-system errors in words a person reads, instead of errno codes.
import { CliError } from './cli-error.js';

/**
 * A file-system error in words rather than errno text: `ENOTDIR` → "a part of the path is a file,
 * not a directory", `EACCES`/`EPERM` → "permission denied", and so on; others keep their message.
 */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ENOTDIR: 'a part of the path is a file, not a directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted (permissions, or a read-only or special file system)',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EEXIST: 'it already exists',
    EISDIR: 'it is a directory',
    ENOENT: 'no such file or directory',
    ENAMETOOLONG: 'the name is too long',
  };
  return (code && words[code]) ?? (err as Error).message;
}

/**
 * The error to throw when writing `what` (a path, or words naming it) failed with `err`: a
 * file-system error (it has a `syscall`) becomes one {@link CliError} sentence, `cannot write
 * WHAT: <why in words><detail>`; any other error is returned as it is.
 * @example
 * throw writeError('runs/demo', err); // cannot write runs/demo: no space left on the device
 */
export function writeError(what: string, err: unknown, detail = ''): Error {
  if (typeof (err as NodeJS.ErrnoException).syscall !== 'string') return err as Error;
  return new CliError(`cannot write ${what}: ${describeFsError(err)}${detail}`, { cause: err });
}

/**
 * A checkpoint save's failure (a {@link CliError} from the swap), saying which checkpoint was lost
 * and which one the directory still holds: `saved` and `kept` as the run counts them ("iteration
 * 20", "epoch 1"), `kept` null when the run has saved none there yet. Other errors come back as they are.
 * @example
 * throw notSavedError(err, 'iteration 20', 'iteration 0');
 * // "cannot write runs/x: no space left on the device; the checkpoint of iteration 20 was not saved,
 * // and the one of iteration 0 there is unchanged"
 */
export function notSavedError(err: unknown, saved: string, kept: string | null): unknown {
  if (!(err instanceof CliError)) return err;
  const left = kept === null ? 'none of this run is there yet' : `the one of ${kept} there is unchanged`;
  return new CliError(`${err.message}; the checkpoint of ${saved} was not saved, and ${left}`, { cause: err });
}
