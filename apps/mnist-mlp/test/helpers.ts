// Shared by the command tests: running `pnpm mnist …` in-process, quietly or checking the one-line error it throws.
import { expect } from 'vitest';
import { CliError, errorMessage, USAGE_EXIT_CODE } from '@tinygpt/cli-kit';
import { main } from '../src/cli/commands.js';

/**
 * Runs the command in-process with `cwd` as the user's directory and expects it to throw one line
 * matching `pattern`, with exit code `code` (usage errors carry 2; cli-kit's runMain prints and exits with it).
 */
export async function rejects(cwd: string, args: string[], pattern: RegExp, code = USAGE_EXIT_CODE): Promise<void> {
  process.env.INIT_CWD = cwd;
  const error = await main(args).then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  expect(error).toBeInstanceOf(Error);
  expect(errorMessage(error)).toMatch(pattern);
  expect(errorMessage(error)).not.toContain('\n');
  expect(error instanceof CliError ? error.exitCode : 1).toBe(code);
}

/** The smallest training worth a checkpoint: one epoch on 100 images, scored on 10. */
export const TINY_TRAIN: readonly string[] = ['--epochs', '1', '--train-images', '100', '--test-images', '10'];

/** Runs the command in-process with `cwd` as the user's directory, its stdout dropped. */
export async function quietly(cwd: string, args: string[]): Promise<void> {
  process.env.INIT_CWD = cwd;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true;
  try {
    await main(args);
  } finally {
    process.stdout.write = write;
  }
}
