// The error a command throws to stop with a message for the user and a chosen exit code, and the one line any error prints as.

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

/**
 * The one-line message `runMain` prints for any thrown value: the error's message with line
 * breaks folded into spaces (or its name when the message is empty).
 *
 * @example
 * errorMessage(new Error('bad\n  value')); // 'bad value'
 */
export function errorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
