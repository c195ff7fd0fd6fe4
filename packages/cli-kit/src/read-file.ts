// Reads a file the user named, refusing a device, FIFO or socket and files above a size limit before reading a byte;
// reads standard input (a file named `-`) up to the same kind of limit.
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { CliError } from './cli-error.js';
import { describeFsError } from './fs-error.js';

/** Options of {@link readUserFile}. */
export interface ReadUserFileOptions {
  /** What the file is, for messages: `config file`, `prompt file`, `image`. */
  what: string;
  /** Largest file read, in bytes. */
  maxBytes: number;
  /** How the user raises the limit, appended to its message (e.g. `pass --max-data-mb 1024`). */
  raiseHint?: string;
  /** Exit code of the errors (default 1; a file named on the command line may use 2). */
  exitCode?: number;
}

/**
 * The bytes of `path`, which must be a regular file of at most `maxBytes`. A device such as
 * /dev/zero would be read until memory runs out and a FIFO would block forever, so both are refused
 * from the file's type, checked on the open descriptor (opened non-blocking, so opening a FIFO
 * does not wait for a writer). Every failure is a {@link CliError} of one sentence naming the file.
 *
 * @example
 * const bytes = readUserFile('digit.png', { what: 'image', maxBytes: 256 * 1024 * 1024 });
 * // readUserFile('/dev/zero', …) → "image /dev/zero is not a regular file (a device, FIFO or socket)"
 */
export function readUserFile(path: string, options: ReadUserFileOptions): Buffer {
  const { what, maxBytes, exitCode = 1 } = options;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${what} not found: ${path}`, { cause: err, exitCode });
    throw new CliError(`cannot read ${what} ${path}: ${describeFsError(err)}`, { cause: err, exitCode });
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new CliError(`${what} ${path} is a directory, not a file`, { exitCode });
    if (!stat.isFile()) {
      throw new CliError(`${what} ${path} is not a regular file (a device, FIFO or socket); pass a file`, { exitCode });
    }
    if (stat.size > maxBytes) {
      throw new CliError(
        `${what} ${path} is ${megabytes(stat.size)}, above the ${megabytes(maxBytes)} limit` +
          (options.raiseHint ? `; ${options.raiseHint}` : ''),
        { exitCode },
      );
    }
    return readFileSync(fd);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot read ${what} ${path}: ${describeFsError(err)}`, { cause: err, exitCode });
  } finally {
    closeSync(fd);
  }
}

/**
 * All of standard input (or of descriptor `fd`), for a file named `-`: read to its end, refused
 * with a {@link CliError} once it passes `maxBytes`. On a terminal it waits for the end of input
 * (Ctrl-D), as `cat -` does.
 *
 * @example
 * const bytes = readStdin({ what: 'prompt', maxBytes: 64 * 1024 * 1024 }); // echo "ROMEO:" | pnpm generate --prompt-file -
 */
export function readStdin(options: Omit<ReadUserFileOptions, 'raiseHint'>, fd = 0): Buffer {
  const { what, maxBytes, exitCode = 1 } = options;
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(1 << 16, maxBytes + 1 - total));
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EOF') break; // Windows: the end of a pipe
      if (code === 'EAGAIN') {
        // A non-blocking pipe with nothing in it yet: wait a moment for the writer.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      throw new CliError(`cannot read the ${what} from standard input: ${describeFsError(err)}`, {
        cause: err,
        exitCode,
      });
    }
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > maxBytes) {
      throw new CliError(`the ${what} on standard input is above the ${megabytes(maxBytes)} limit`, { exitCode });
    }
  }
  return Buffer.concat(chunks, total);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 3 : 1)} MB`;
}
