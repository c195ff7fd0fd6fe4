// Tests subcommand selection and its help text.
import { describe, expect, it } from 'vitest';
import { formatCommands, selectCommand } from './command.js';

const commands = {
  train: 'train the MLP',
  eval: 'accuracy on the test set',
  predict: 'classify one image',
  visualize: 'draw digits and weights',
};

describe('selectCommand', () => {
  it('takes the command from the first argument and returns the rest', () => {
    expect(selectCommand(['train', '--epochs', '3'], commands)).toEqual({ command: 'train', argv: ['--epochs', '3'] });
  });

  it('returns no command for an empty command line or --help', () => {
    expect(selectCommand([], commands)).toEqual({ command: undefined, argv: [] });
    expect(selectCommand(['--help'], commands).command).toBeUndefined();
    expect(selectCommand(['-h'], commands).command).toBeUndefined();
  });

  it('rejects an unknown command with the list and the closest one, exit code 2', () => {
    expect(() => selectCommand(['trian'], commands)).toThrow(
      "unknown command 'trian' (did you mean train?); commands: train, eval, predict, visualize",
    );
    expect(() => selectCommand(['fit'], commands)).toThrow(
      "unknown command 'fit'; commands: train, eval, predict, visualize",
    );
    expect(() => selectCommand(['--epochs=3'], commands)).toThrow(
      'expected a command before --epochs=3; commands: train, eval, predict, visualize',
    );
    try {
      selectCommand(['x'], commands);
    } catch (err) {
      expect((err as { exitCode: number }).exitCode).toBe(2);
    }
  });
});

describe('formatCommands', () => {
  it('aligns the commands under the usage line', () => {
    expect(formatCommands(commands, 'pnpm mnist <command> [options]')).toBe(
      [
        'Usage: pnpm mnist <command> [options]',
        '',
        'Commands:',
        '  train      train the MLP',
        '  eval       accuracy on the test set',
        '  predict    classify one image',
        '  visualize  draw digits and weights',
        '',
        'Run a command with --help for its options.',
      ].join('\n'),
    );
  });
});
