// Subcommands (`pnpm mnist train|eval|predict|visualize`): picks the command from the first argument, with a "did you mean" for typos.
import { CliError, USAGE_EXIT_CODE } from './cli-error.js';
import { suggest } from './suggest.js';

/** What {@link selectCommand} found. */
export interface SelectedCommand<C extends string> {
  /** The command named by the first argument, or `undefined` when there is none or it is `--help`/`-h`. */
  readonly command: C | undefined;
  /** The arguments after the command, for that command's `resolveConfig`. */
  readonly argv: string[];
}

/**
 * Reads the subcommand from the first argument. An unknown one throws a {@link CliError} (exit 2)
 * that lists the commands and suggests the closest; no argument or `--help` gives `command:
 * undefined`, for the caller to print {@link formatCommands}.
 *
 * @example
 * const { command, argv: rest } = selectCommand(argv, { train: 'train the MLP', eval: 'test accuracy' });
 * // ['train', '--epochs', '3'] → command 'train', rest ['--epochs', '3']
 */
export function selectCommand<C extends string>(
  argv: readonly string[],
  commands: Readonly<Record<C, string>>,
): SelectedCommand<C> {
  const names = Object.keys(commands) as C[];
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') return { command: undefined, argv: rest };
  if (names.includes(first as C)) return { command: first as C, argv: rest };
  const close = suggest(first, names);
  const what = first.startsWith('-') ? `expected a command before ${first}` : `unknown command '${first}'`;
  throw new CliError(`${what}${close ? ` (did you mean ${close}?)` : ''}; commands: ${names.join(', ')}`, {
    exitCode: USAGE_EXIT_CODE,
  });
}

/**
 * The help text that lists the commands.
 *
 * @example
 * formatCommands({ train: 'train the MLP', eval: 'test accuracy' }, 'pnpm mnist <command> [options]');
 * // Usage: pnpm mnist <command> [options]
 * //
 * // Commands:
 * //   train  train the MLP
 * //   eval   test accuracy
 */
export function formatCommands(commands: Readonly<Record<string, string>>, usage: string): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const rows = Object.entries(commands).map(([name, help]) => `  ${name.padEnd(width)}  ${help}`);
  return [`Usage: ${usage}`, '', 'Commands:', ...rows, '', 'Run a command with --help for its options.'].join('\n');
}
