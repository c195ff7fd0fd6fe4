// Runs a command's main function the way a command-line tool should end: one "error: …" line and a non-zero code on
// failure, quietly on a closed pipe.
import { CliError, errorMessage } from './cli-error.js';
import { stopOnClosedOutput } from './interrupt.js';
import { nodeTooOld } from './node-floor.js';

/** A command: receives the arguments after the script name, may return an exit code. */
export type Main = (argv: string[]) => Promise<number | void> | number | void;

/** Options of {@link runMain}; the defaults are the real process's. */
export interface RunMainOptions {
  /** Arguments to pass to `main` (default `process.argv.slice(2)`). */
  readonly argv?: readonly string[];
  /** Print the stack trace after the error line (default: `TINYGPT_DEBUG=1` in the environment). */
  readonly debug?: boolean;
}

/**
 * Runs `main` and ends the process as a command-line tool should (on a Node older than
 * `NODE_ENGINES`, one `error:` line and exit 1 before `main` starts):
 *
 * - `main` returns → the exit code is what it returned (default 0) and the process ends once its
 *   output is flushed;
 * - `main` throws → one line `error: <message>` on stderr and `process.exit` with the
 *   {@link CliError}'s exit code, or 1 for any other error; the stack trace follows only when
 *   `TINYGPT_DEBUG=1`;
 * - stdout (or stderr) is closed by its reader (`pnpm generate | head`) → exit 0 without a word,
 *   unless {@link onInterrupt} handlers are registered: then they run as on a signal, and the exit
 *   code is 141.
 *
 * @example
 * await runMain(async (argv) => {
 *   const { config } = resolveConfig(defaults, argv, { help });
 *   await train(config);
 * });
 */
export async function runMain(main: Main, options: RunMainOptions = {}): Promise<void> {
  const debug = options.debug ?? process.env.TINYGPT_DEBUG === '1';
  const tooOld = nodeTooOld();
  if (tooOld !== undefined) fail(new CliError(tooOld), debug);
  // A reader that went away (head, less quitting) makes the next write fail with EPIPE: work that
  // registered onInterrupt handlers stops as on Ctrl-C (saving what it has), anything else quietly.
  const readerGone = (): void => {
    if (!stopOnClosedOutput()) process.exit(0);
  };
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') fail(err, debug);
    readerGone();
  });
  // The same reader may hold stderr (`2>&1 | head`): then nothing more can be said, but the handlers still run.
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') process.exit(1);
    readerGone();
  });
  try {
    const code = await main([...(options.argv ?? process.argv.slice(2))]);
    if (typeof code === 'number') process.exitCode = code;
  } catch (err) {
    if ((err as NodeJS.ErrnoException | undefined)?.code !== 'EPIPE') fail(err, debug);
    readerGone();
  }
}

/** Prints the error as one line (plus the stack when debugging) and exits. */
function fail(err: unknown, debug: boolean): never {
  process.stderr.write(`error: ${errorMessage(err)}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(err instanceof CliError ? err.exitCode : 1);
}
