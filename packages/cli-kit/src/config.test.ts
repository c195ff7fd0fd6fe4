// Tests resolveConfig: precedence, every flag spelling, type errors, unknown keys, choices, validators, positionals and help.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { resolveConfig } from './config.js';
import type { ConfigSpec } from './config.js';
import { defaults, spec } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'tinygpt-config-'));
function json(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const resolved = (argv: string[], overrides: Partial<ConfigSpec<typeof defaults>> = {}) =>
  resolveConfig(defaults, argv, { ...spec, cwd: dir, ...overrides });

/** The CliError resolving `argv` throws. */
function failure(argv: string[], overrides: Partial<ConfigSpec<typeof defaults>> = {}): CliError {
  try {
    resolved(argv, overrides);
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    return err as CliError;
  }
  throw new Error(`expected ${argv.join(' ')} to be rejected`);
}

describe('resolveConfig: sources and precedence', () => {
  it('returns the defaults when nothing is given', () => {
    const { config, sources, positionals, help, configFiles } = resolved([]);
    expect(config).toEqual(defaults);
    expect(config).not.toBe(defaults);
    expect(Object.values(sources).every((s) => s === 'default')).toBe(true);
    expect([positionals, help, configFiles]).toEqual([[], false, []]);
  });

  it('applies defaults < config file < flags, wherever --config stands', () => {
    const file = json('small.json', { nLayer: 8, dropout: 0.1, 'learning-rate': 6e-4, init_from: 'resume' });
    const { config, sources, configFiles } = resolved(['--n-layer=12', '--config', 'small.json']);
    expect(config).toEqual({ ...defaults, nLayer: 12, dropout: 0.1, learningRate: 6e-4, initFrom: 'resume' });
    expect(sources).toMatchObject({
      nLayer: 'flag',
      dropout: 'file',
      learningRate: 'file',
      initFrom: 'file',
      nHead: 'default',
    });
    expect(configFiles).toEqual([file]);
  });

  it('applies several config files in order', () => {
    json('a.json', { nLayer: 2, nHead: 2 });
    json('b.json', { nLayer: 6 });
    expect(resolved(['--config=a.json', '--config=b.json']).config).toMatchObject({ nLayer: 6, nHead: 2 });
  });

  it('lets the last of a repeated flag win', () => {
    expect(resolved(['--n-layer=2', '--n-layer=6']).config.nLayer).toBe(6);
  });
});

describe('resolveConfig: flag spellings', () => {
  it.each([[['--n-layer', '6']], [['--n-layer=6']], [['--nLayer=6']], [['--n_layer=6']], [['--n_layer', '6']]])(
    'reads %j as nLayer 6',
    (argv) => {
      expect(resolved(argv).config.nLayer).toBe(6);
    },
  );

  it('parses numbers as people type them', () => {
    const cases: [string, number][] = [
      ['6e-4', 6e-4],
      ['.5', 0.5],
      ['0.0', 0],
      ['-1', -1],
      ['+2', 2],
      ['1E3', 1000],
    ];
    for (const [text, value] of cases) expect(resolved(['--beta2', text]).config.beta2).toBe(value);
  });

  it.each([
    [['--bias'], true],
    [['--no-bias'], false],
    [['--no_bias'], false],
    [['--bias=true'], true],
    [['--bias=1'], true],
    [['--bias=True'], true],
    [['--bias', '--no-bias'], false],
    [['--compile=false'], false],
    [['--compile=0'], false],
    [['--compile=False'], false],
    [['--no-compile'], false],
  ])('reads booleans: %j → %s', (argv, value) => {
    const { config } = resolved(argv);
    expect(argv[0]!.includes('compile') ? config.compile : config.bias).toBe(value);
  });

  it('accepts a nanoGPT command line pasted as is', () => {
    const argv = [
      '--n_layer=6',
      '--n_head=6',
      '--n_embd=384',
      '--learning_rate=1e-3',
      '--dropout=0.2',
      '--compile=False',
      '--bias=True',
      '--init_from=resume',
      '--out_dir=out-shakespeare-char',
    ];
    expect(resolved(argv).config).toEqual({
      nLayer: 6,
      nHead: 6,
      nEmbd: 384,
      learningRate: 1e-3,
      dropout: 0.2,
      initFrom: 'resume',
      outDir: 'out-shakespeare-char',
      bias: true,
      compile: false,
      beta2: 0.99,
    });
  });

  it('takes a string value that starts with a single dash, and an empty one after =', () => {
    expect(resolved(['--out-dir', '-tmp']).config.outDir).toBe('-tmp');
    expect(resolved(['--out-dir=']).config.outDir).toBe('');
  });
});

describe('resolveConfig: errors', () => {
  it('rejects values of the wrong type, naming the flag and the type, with exit code 2', () => {
    const err = failure(['--n-layer', 'abc']);
    expect(err.message).toBe("--n-layer expects a number, got 'abc'");
    expect(err.exitCode).toBe(2);
    expect(failure(['--n_layer=NaN']).message).toBe("--n_layer expects a number, got 'NaN'");
    expect(failure(['--beta2=Infinity']).message).toBe("--beta2 expects a number, got 'Infinity'");
    expect(failure(['--beta2=0x10']).message).toBe("--beta2 expects a number, got '0x10'");
    expect(failure(['--beta2=']).message).toBe("--beta2 expects a number, got ''");
    expect(failure(['--bias=yes']).message).toBe("--bias expects a boolean (true, false, 1 or 0), got 'yes'");
    expect(failure(['--no-bias=false']).message).toBe('--no-bias takes no value; write --bias=false instead');
  });

  it('says when a flag is missing its value', () => {
    expect(failure(['--n-layer']).message).toBe('--n-layer needs a value (a number)');
    expect(failure(['--out-dir', '--bias']).message).toBe('--out-dir needs a value (a string)');
    expect(failure(['--config']).message).toBe('--config needs a value (a path to a JSON file)');
  });

  it('rejects an unknown flag with the valid ones and the closest match', () => {
    expect(failure(['--n-layr=4']).message).toBe(
      'unknown option --n-layr (did you mean --n-layer?); valid options: --n-layer, --n-head, --n-embd, ' +
        '--learning-rate, --dropout, --init-from, --out-dir, --bias, --compile, --beta2',
    );
    expect(failure(['--learning_rat=1']).message).toMatch(
      /^unknown option --learning_rat \(did you mean --learning-rate\?\); valid options: /,
    );
    expect(failure(['--device=cpu']).message).toMatch(/^unknown option --device; valid options: --n-layer, /);
    expect(failure(['-n', '4']).message).toMatch(/^unknown option -n; valid options: /);
    expect(failure(['--no-out-dir']).message).toBe(
      '--no-out-dir: only boolean options have a --no- form, and --out-dir takes a string',
    );
  });

  it('enforces choices, for strings and for numbers', () => {
    expect(failure(['--init-from=gpt2']).message).toBe("--init-from must be one of scratch, resume; got 'gpt2'");
    expect(failure(['--init-from', '5']).message).toBe("--init-from must be one of scratch, resume; got '5'");
    const numeric = { choices: { nEmbd: [64, 128, 256] } };
    expect(resolved(['--n-embd=256'], numeric).config.nEmbd).toBe(256);
    expect(failure(['--n-embd=100'], numeric).message).toBe('--n-embd must be one of 64, 128, 256; got 100');
  });

  it('runs validators on the final values, naming where a bad value came from', () => {
    expect(failure(['--n-layer=4.5']).message).toBe('--n-layer expects a positive integer, got 4.5');
    expect(failure(['--dropout', '1']).message).toBe('--dropout expects a number in [0, 1), got 1');
    expect(failure(['--n-head=5']).message).toBe('--n-head expects a divisor of nEmbd (128), got 5');
    json('zero.json', { n_layer: 0 });
    expect(failure(['--config', 'zero.json']).message).toBe('zero.json: "n_layer" expects a positive integer, got 0');
    expect(() => resolveConfig({ ...defaults, nLayer: 0 }, [], spec)).toThrow(
      '--n-layer, by default, expects a positive integer, got 0',
    );
  });

  it('rejects bad config files with one message each', () => {
    expect(failure(['--config', 'missing.json']).message).toBe(`config file not found: ${join(dir, 'missing.json')}`);
    json('broken.json', '{"nLayer": 4,}');
    expect(failure(['--config', 'broken.json']).message).toMatch(/^config file .*broken\.json is not valid JSON \(/);
    json('list.json', [1, 2]);
    expect(failure(['--config', 'list.json']).message).toBe(
      'config file list.json must hold a JSON object of settings, e.g. {"nLayer": 4}',
    );
    json('typo.json', { n_layr: 4 });
    expect(failure(['--config', 'typo.json']).message).toBe(
      'typo.json: unknown setting "n_layr" (did you mean nLayer?); valid settings: nLayer, nHead, nEmbd, ' +
        'learningRate, dropout, initFrom, outDir, bias, compile, beta2',
    );
    json('string.json', { nLayer: '4' });
    expect(failure(['--config', 'string.json']).message).toBe('string.json: "nLayer" expects a number, got "4"');
    json('bool.json', { bias: 'false' });
    expect(failure(['--config', 'bool.json']).message).toBe('bool.json: "bias" expects a boolean, got "false"');
    json('huge.json', '{"learningRate": 1e400}'); // JSON.parse reads Infinity, which JSON.stringify shows as null
    expect(failure(['--config', 'huge.json']).message).toBe(
      'huge.json: "learningRate" expects a finite number, got Infinity',
    );
  });

  it('refuses defaults whose keys are not camelCase or collide', () => {
    expect(() => resolveConfig({ n_layer: 4 }, [], { help: { n_layer: '' } })).toThrow(
      "config key 'n_layer' must be camelCase",
    );
    expect(() => resolveConfig({ nlayer: 4, nLayer: 4 }, [], { help: { nlayer: '', nLayer: '' } })).toThrow(
      "config keys 'nlayer' and 'nLayer' are both spelled 'nlayer'",
    );
  });
});

describe('resolveConfig: positionals and help', () => {
  it('returns positional arguments, up to the number allowed', () => {
    expect(resolved(['train', '--n-layer=2'], { positionals: 1 }).positionals).toEqual(['train']);
    expect(resolved(['-5'], { positionals: 1 }).positionals).toEqual(['-5']);
    expect(resolved(['a', '--', '--not-a-flag', 'b'], { positionals: Infinity }).positionals).toEqual([
      'a',
      '--not-a-flag',
      'b',
    ]);
    expect(failure(['train']).message).toBe("unexpected argument 'train' (this command takes only --flags)");
    expect(failure(['a', 'b', 'c'], { positionals: 2 }).message).toBe(
      "unexpected argument 'c' (this command takes at most 2)",
    );
  });

  it("reads a positional FILE.py as nanoGPT's configurator does, when the command says so", () => {
    const py = json('small.py', "n_layer = 2 * 3  # six blocks\nout_dir = 'out-small'\nbias = True\n");
    const { config, sources, positionals, configFiles } = resolved([py, '--bias=false'], { pythonConfigArgs: true });
    expect(config).toMatchObject({ nLayer: 6, outDir: 'out-small', bias: false });
    expect([sources.nLayer, sources.bias, positionals, configFiles]).toEqual(['file', 'flag', [], [py]]);
    expect(resolved(['--config', py]).config.nLayer).toBe(6); // --config reads one whichever way
    expect(failure([py]).message).toBe(`unexpected argument '${py}' (this command takes only --flags)`);
    for (const name of ['latin1.py', 'latin1.json']) {
      const path = join(dir, name);
      writeFileSync(
        path,
        Buffer.from(name.endsWith('.py') ? "out_dir = 'caf\xe9'\n" : '{"outDir": "caf\xe9"}', 'latin1'),
      );
      expect(failure(['--config', path]).message).toBe(`config file ${path} is not valid UTF-8 text; save it as UTF-8`);
    }
    const bad = json('bad.py', 'n_layer = 0\n');
    expect(failure(['--config', bad]).message).toBe(`${bad} line 1: n_layer expects a positive integer, got 0`);
  });

  it("explains '--bias false': booleans take their value after '='", () => {
    expect(failure(['--bias', 'false']).message).toBe(
      "unexpected argument 'false' (a boolean flag takes its value after '=': --bias=false)",
    );
  });

  it('reports --help without checking anything else', () => {
    const { help, config } = resolved(['--n-layer=oops', '--nonsense', '-h']);
    expect(help).toBe(true);
    expect(config).toEqual(defaults);
    expect(resolved(['--', '--help'], { positionals: 1 })).toMatchObject({ help: false, positionals: ['--help'] });
  });
});

describe('resolveConfig: aliases, presets, defaults from elsewhere, and parseArgs edges', () => {
  const aliases = { depth: 'nLayer', gradientAccumulationSteps: 'nHead', loud: 'bias' };

  it('reads an alias in every spelling a key has, as a flag and in a file', () => {
    expect(resolved(['--depth=6', '--gradient_accumulation_steps', '2'], { aliases }).config).toMatchObject({
      nLayer: 6,
      nHead: 2,
    });
    expect(resolved(['--loud'], { aliases }).config.bias).toBe(true);
    expect(resolved(['--bias', '--no-loud'], { aliases }).config.bias).toBe(false);
    json('alias.json', { depth: 2, 'gradient-accumulation-steps': 1 });
    expect(resolved(['--config', 'alias.json'], { aliases }).config).toMatchObject({ nLayer: 2, nHead: 1 });
    expect(() => resolved([], { aliases: { depth: 'nLayers' } })).toThrow(
      "alias 'depth' names no config key: 'nLayers'",
    );
    expect(() => resolved([], { aliases: { nlayer: 'nHead' } })).toThrow(
      "config keys 'nLayer' and 'nHead' are both spelled 'nlayer'",
    );
  });

  it('takes a bare --config name as a preset unless a file of that name is where the user is', () => {
    const preset = json('preset-quick.json', { nLayer: 2 });
    const presets = { preset: (name: string) => (name === 'quick' || name === 'local.json' ? preset : undefined) };
    expect(resolved(['--config', 'quick'], presets)).toMatchObject({ config: { nLayer: 2 }, configFiles: [preset] });
    const local = json('local.json', { nLayer: 8 });
    expect(resolved(['--config', 'local.json'], presets)).toMatchObject({
      config: { nLayer: 8 },
      configFiles: [local],
    });
    expect(failure(['--config', 'slow'], presets).message).toBe(`config file not found: ${join(dir, 'slow')}`);
    // With the preset names listed, a bare name that is neither a file nor a preset names them, and the closest.
    const named = { ...presets, presets: ['quick', 'baby', 'medium'] };
    const typo = failure(['--config', 'quik'], named);
    expect(typo.message).toBe(
      `--config quik: no file ${join(dir, 'quik')}, and no preset of that name (did you mean quick?); ` +
        'presets: quick, baby, medium',
    );
    expect(typo.exitCode).toBe(2);
    expect(failure(['--config', 'large.json'], named).message).toBe(
      `--config large.json: no file ${join(dir, 'large.json')}, and no preset of that name; presets: quick, baby, medium`,
    );
    // A path is a path: only the file is missing.
    expect(failure(['--config', 'configs/quick'], named).message).toBe(
      `config file not found: ${join(dir, 'configs', 'quick')}`,
    );
  });

  it('names where a default came from when it is wrong', () => {
    const bad = { ...defaults, nLayer: 0 };
    expect(() => resolveConfig(bad, [], { ...spec, defaultFrom: { nLayer: '$N_LAYER' } })).toThrow(
      '$N_LAYER expects a positive integer, got 0',
    );
  });

  it('reads the separator-free spelling, negative numbers as values and positionals, and -h', () => {
    expect(resolved(['--nlayer=6', '--learningrate', '0.1']).config).toMatchObject({ nLayer: 6, learningRate: 0.1 });
    expect(resolved(['--beta2', '-0.5']).config.beta2).toBe(-0.5);
    expect(resolved(['-0.5', '-1e3'], { positionals: 2 }).positionals).toEqual(['-0.5', '-1e3']);
    expect(resolved(['-h']).help).toBe(true);
    expect(resolved(['a', 'b', '--help'])).toMatchObject({ help: true, positionals: ['a', 'b'] });
  });

  it('rejects the words a boolean does not know, however JavaScript objects spell them', () => {
    for (const word of ['constructor', '__proto__', 'toString', 'yes', '']) {
      expect(failure([`--bias=${word}`]).message).toBe(`--bias expects a boolean (true, false, 1 or 0), got '${word}'`);
    }
  });

  it('ends every usage error with exit code 2 and one line', () => {
    json('empty.json', ' ');
    const bad = [
      ['--n-layr=4'],
      ['-n', '4'],
      ['--n-layer'],
      ['--n-layer', 'x'],
      ['--no-out-dir'],
      ['--no-bias=1'],
      ['--bias=yes'],
      ['--init-from=gpt2'],
      ['--n-layer=0'],
      ['train'],
      ['--bias', 'false'],
      ['--config'],
      ['--config', 'missing.json'],
      ['--config', 'empty.json'],
      ['--config', '.'],
      ['--config', 'broken.json'],
      ['--config', 'typo.json'],
      ['--no-config'],
    ];
    json('broken.json', '{"nLayer": 4,}');
    json('typo.json', { n_layr: 4 });
    for (const argv of bad) {
      const err = failure(argv);
      expect([argv, err.exitCode, err.message.includes('\n')]).toEqual([argv, 2, false]);
    }
  });
});
