// Tests parsePythonConfig: the literals, arithmetic and comments of nanoGPT's config files, and a message for the rest.
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { parsePythonConfig } from './python-config.js';

const values = (text: string) => Object.fromEntries(parsePythonConfig(text, 'c.py').map((s) => [s.name, s.value]));

/** The message of the CliError parsing `text` throws. */
function failure(text: string): string {
  try {
    parsePythonConfig(text, 'config/c.py');
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe('parsePythonConfig', () => {
  it('reads the lines of a nanoGPT config file, with their line numbers', () => {
    const text = [
      '# a small character-level model',
      '',
      "out_dir = 'out-small' # where checkpoints go",
      'eval_interval = 250',
      'always_save_checkpoint = False',
      'wandb_log = True',
      'dropout = 0.2',
      'learning_rate = 1e-3 # higher for small networks',
      '  min_lr = 6e-5  ',
    ].join('\n');
    expect(parsePythonConfig(text, 'c.py')).toEqual([
      { name: 'out_dir', value: 'out-small', line: 3 },
      { name: 'eval_interval', value: 250, line: 4 },
      { name: 'always_save_checkpoint', value: false, line: 5 },
      { name: 'wandb_log', value: true, line: 6 },
      { name: 'dropout', value: 0.2, line: 7 },
      { name: 'learning_rate', value: 1e-3, line: 8 },
      { name: 'min_lr', value: 6e-5, line: 9 },
    ]);
  });

  it("computes arithmetic on numbers with Python's precedence", () => {
    expect(
      values(
        [
          'gradient_accumulation_steps = 5 * 8',
          'a = 6e-4 / 2',
          'b = 7 // 2',
          'c = -7 // 2',
          'd = 2 ** 3 ** 2',
          'e = -2 ** 2',
          'f = (1 + 2) * 3',
          'g = 1_000_000',
          'h = .5 - -1',
          'i = 1 + 2 * 3 - 4',
        ].join('\n'),
      ),
    ).toEqual({ gradient_accumulation_steps: 40, a: 3e-4, b: 3, c: -4, d: 512, e: -4, f: 9, g: 1e6, h: 1.5, i: 3 });
  });

  it('reads both kinds of quotes and their escapes, a # inside a string, CRLF lines and a byte-order mark', () => {
    const text = "\uFEFFa = \"it's # not a comment\"\r\nb = 'say \\\"hi\\\"'  # a comment\r\nc = ''\r\n";
    expect(values(text)).toEqual({ a: "it's # not a comment", b: 'say "hi"', c: '' });
  });

  it('skips import lines, which only serve expressions it does not evaluate', () => {
    expect(values('import time\nfrom math import sqrt\nn_layer = 6')).toEqual({ n_layer: 6 });
  });

  it('names the file, the line and what it read for anything else, and runs nothing', () => {
    expect(failure("n_layer = 6\nwandb_run_name = 'ft-' + str(time.time())")).toBe(
      'config/c.py line 2: the value must be a number, a quoted string, True or False (nothing is run): ' +
        "wandb_run_name = 'ft-' + str(time.time())",
    );
    expect(failure('if True:\n    n_layer = 6')).toBe(
      'config/c.py line 1: only `name = value` settings are read from a config file: if True:',
    );
    for (const value of ['1 / 0', 'None', "'open", '2 +', '(1', '1 2', 'true', '[1, 2]', '1__0', '0x10', 'abs(-1)']) {
      expect(failure(`x = ${value}`)).toMatch(/^config\/c\.py line 1: the value must be a number/);
    }
    expect(failure('n_layer == 6')).toMatch(/^config\/c\.py line 1: only `name = value` settings are read/);
    expect(failure('n_layer += 6')).toMatch(/^config\/c\.py line 1: only `name = value` settings are read/);
  });
});
