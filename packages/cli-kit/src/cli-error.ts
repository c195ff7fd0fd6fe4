// The error a command throws to stop with a message for the user and a chosen exit code.

/** Exit code of a command-line usage error (unknown flag, bad value), as BSD's EX_USAGE tradition and most CLIs use. */
export const USAGE_EXIT_CODE = 2;

/**
 * An error meant for the person at the terminal: `runMain` prints `error: <message>` on one line,
 * without a stack trace, and exits with `exitCode` (default 1; usage errors use 2).
 *
 * @example
 * if (!existsSync(ckpt)) throw new CliError(`no checkpoint at ${ckpt}; run pnpm pretrain first`);
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}
