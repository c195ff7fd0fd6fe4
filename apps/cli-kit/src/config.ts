// nanoGPT-style configuration, typed: defaults, then an optional --config FILE.json, then --key=value flags parsed by each default's type.
import { resolve } from 'node:path';
import { CliError, USAGE_EXIT_CODE } from './cli-error.js';
import { readJsonFile } from './files.js';
import { suggest } from './suggest.js';

/** A configuration value: every knob is a number, a string or a boolean. */
export type ConfigValue = number | string | boolean;

/** The defaults object: knob name (camelCase) → default value. Its value types fix the flags' types. */
export type ConfigDefaults = { readonly [key: string]: ConfigValue };

/** A resolved configuration: each key keeps the type of its default (`4` → `number`, `'scratch'` → `string`). */
export type Config<D extends ConfigDefaults> = {
  -readonly [K in keyof D]: D[K] extends number ? number : D[K] extends boolean ? boolean : string;
};

/**
 * Checks one value; returns what was expected (e.g. `'a positive integer'`) when the value is
 * wrong, or `undefined` when it is fine. It sees the whole resolved config, for checks across keys.
 */
export type Validator<T, C = Record<string, ConfigValue>> = (value: T, config: C) => string | undefined;

/** Where a value came from. */
export type ConfigSource = 'default' | 'file' | 'flag';

/** The description of a command's knobs that {@link resolveConfig} and {@link formatHelp} need besides the defaults. */
export interface ConfigSpec<D extends ConfigDefaults> {
  /** One line of help for every key (a key without help does not compile). */
  readonly help: { readonly [K in keyof D]: string };
  /** The allowed values of some keys, e.g. `{ initFrom: ['scratch', 'resume'] }`. */
  readonly choices?: { readonly [K in keyof D]?: readonly Config<D>[K][] };
  /** Extra checks of some keys, e.g. `{ nLayer: isPositiveInteger }`. */
  readonly validate?: { readonly [K in keyof D]?: Validator<Config<D>[K], Config<D>> };
  /** How many positional arguments (subcommands, file names) are allowed; default 0. */
  readonly positionals?: number;
  /** First line of `--help`, e.g. `'pnpm pretrain [options]'`. */
  readonly usage?: string;
  /** A sentence under the usage line. */
  readonly description?: string;
  /** Directory that a relative `--config` path is resolved from (default `process.cwd()`). */
  readonly cwd?: string;
}

/** What {@link resolveConfig} returns. */
export interface ResolvedConfig<D extends ConfigDefaults> {
  /** Every key, from the last source that set it: defaults < config file < flags. */
  readonly config: Config<D>;
  /** Arguments that were not flags, in order (everything after `--` included). */
  readonly positionals: string[];
  /** `--help` or `-h` was given: print {@link formatHelp} and stop. Nothing else was checked. */
  readonly help: boolean;
  /** Where each key's value came from. */
  readonly sources: { [K in keyof D]: ConfigSource };
  /** The `--config` files read, as absolute paths, in the order applied. */
  readonly configFiles: string[];
}

/** The option that names a JSON config file. */
const CONFIG_FLAG = 'config';

/**
 * Resolves a command's configuration the way nanoGPT's `configurator.py` does, with types:
 * start from `defaults`, apply each `--config FILE.json` (keys in camelCase, kebab-case or
 * snake_case), then the command-line flags, whatever their position. A flag is parsed by the type of
 * its key's default, and may be spelled
 *
 * - `--n-layer 4`, `--n-layer=4`, `--nLayer=4`, or nanoGPT's `--n_layer=4`;
 * - for booleans: `--bias`, `--no-bias`, `--bias=true|false|1|0` (Python's `True`/`False` too).
 *
 * Unknown keys, values of the wrong type, values outside `choices` and values a validator rejects
 * each throw one {@link CliError} (exit code 2) naming the flag or file key and what was expected;
 * an unknown key lists the valid ones and suggests the closest. Arguments that are not flags are
 * returned as `positionals` (at most `spec.positionals`). `--help` short-circuits all checks.
 *
 * @example
 * const defaults = { nLayer: 4, learningRate: 1e-3, initFrom: 'scratch', bias: false };
 * const { config } = resolveConfig(defaults, ['--n_layer=6', '--bias', '--init-from', 'resume'], {
 *   help: { nLayer: 'transformer blocks', learningRate: 'peak AdamW step size', initFrom: 'scratch or resume', bias: 'biases in Linear and LayerNorm' },
 *   choices: { initFrom: ['scratch', 'resume'] },
 * });
 * // config: { nLayer: 6, learningRate: 0.001, initFrom: 'resume', bias: true }
 */
export function resolveConfig<D extends ConfigDefaults>(
  defaults: D,
  argv: readonly string[],
  spec: ConfigSpec<D>,
): ResolvedConfig<D> {
  const keys = Object.keys(defaults) as (keyof D & string)[];
  const names = nameTable(keys);
  const flagsEnd = argv.includes('--') ? argv.indexOf('--') : argv.length;
  const wantsHelp = argv.slice(0, flagsEnd).some((arg) => arg === '--help' || arg === '-h');
  // With --help nothing is checked: a half-typed command line still gets its help.
  const parsed = wantsHelp ? helpOnly(argv, flagsEnd) : parseArgv(argv, defaults, names);

  const config = { ...defaults } as Config<D>;
  const sources: Record<string, ConfigSource> = Object.fromEntries(keys.map((key) => [key, 'default']));
  const origin = new Map<keyof D, string>(); // how to name each key in an error message
  const result = (help: boolean, configFiles: string[]): ResolvedConfig<D> => ({
    config,
    positionals: parsed.positionals,
    help,
    sources: sources as { [K in keyof D]: ConfigSource },
    configFiles,
  });
  if (parsed.help) return result(true, []);

  const maxPositionals = spec.positionals ?? 0;
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals[maxPositionals]!;
    const booleanFlag = parsed.afterBooleanFlag.get(maxPositionals);
    const hint = booleanFlag
      ? ` (a boolean flag takes its value after '=': ${booleanFlag}=${extra})`
      : maxPositionals === 0
        ? ' (this command takes only --flags)'
        : ` (this command takes at most ${maxPositionals})`;
    throw usageError(`unexpected argument '${extra}'${hint}`);
  }

  const configFiles = parsed.configFiles.map((file) => resolve(spec.cwd ?? process.cwd(), file));
  configFiles.forEach((file, i) => {
    const shown = parsed.configFiles[i]!;
    const content = readJsonFile(file, 'config file');
    if (content === null || typeof content !== 'object' || Array.isArray(content)) {
      throw usageError(`config file ${shown} must hold a JSON object of settings, e.g. {"nLayer": 4}`);
    }
    for (const [name, value] of Object.entries(content as Record<string, unknown>)) {
      const key = names.get(name) ?? names.get(normalize(name));
      if (key === undefined) throw unknownKey(`${shown}: unknown setting "${name}"`, name, keys, 'file');
      const expected = typeof defaults[key];
      if (typeof value !== expected || (typeof value === 'number' && !Number.isFinite(value))) {
        throw usageError(`${shown}: "${name}" expects ${article(expected)}, got ${JSON.stringify(value)}`);
      }
      (config as Record<string, ConfigValue>)[key] = value as ConfigValue;
      sources[key] = 'file';
      origin.set(key, `${shown}: "${name}"`);
    }
  });

  for (const { key, value, flag } of parsed.flags) {
    (config as Record<string, ConfigValue>)[key] = value;
    sources[key] = 'flag';
    origin.set(key, flag);
  }

  for (const key of keys) {
    const value = config[key];
    const where = origin.get(key) ?? `the default of ${key}`;
    const allowed = spec.choices?.[key];
    if (allowed && !allowed.includes(value)) {
      throw usageError(`${where} must be one of ${allowed.map((v) => String(v)).join(', ')}; got ${show(value)}`);
    }
    const expected = spec.validate?.[key]?.(value, config);
    if (expected !== undefined) throw usageError(`${where} expects ${expected}, got ${show(value)}`);
  }
  return result(false, configFiles);
}

/** The parse of a command line that asked for help: only the plain words, unchecked. */
function helpOnly(argv: readonly string[], flagsEnd: number): ParsedArgv {
  const words = argv.slice(0, flagsEnd).filter((arg) => !arg.startsWith('-'));
  return {
    help: true,
    flags: [],
    configFiles: [],
    positionals: [...words, ...argv.slice(flagsEnd + 1)],
    afterBooleanFlag: new Map(),
  };
}

interface ParsedArgv {
  help: boolean;
  flags: { key: string; value: ConfigValue; flag: string }[];
  configFiles: string[];
  positionals: string[];
  /** positional index → the boolean flag right before it (`--bias false` was meant as `--bias=false`). */
  afterBooleanFlag: Map<number, string>;
}

/** Splits argv into flags (parsed by their default's type), config files and positionals. */
function parseArgv(argv: readonly string[], defaults: ConfigDefaults, names: Map<string, string>): ParsedArgv {
  const keys = Object.keys(defaults);
  const out: ParsedArgv = { help: false, flags: [], configFiles: [], positionals: [], afterBooleanFlag: new Map() };
  let previousBoolean: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const afterBoolean = previousBoolean;
    previousBoolean = undefined;
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || isNumber(arg)) {
      if (afterBoolean) out.afterBooleanFlag.set(out.positionals.length, afterBoolean);
      out.positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw unknownKey(`unknown option ${arg}`, arg.replace(/^-+/, ''), keys, 'flag');

    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const flag = `--${name}`;
    /** The value after `=` or in the next argument. */
    const takeValue = (expected: string): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw usageError(`${flag} needs a value (${expected})`);
      }
      i++;
      return next;
    };

    if (name === CONFIG_FLAG) {
      out.configFiles.push(takeValue('a path to a JSON file'));
      continue;
    }
    let key = names.get(name);
    let negated = false;
    if (key === undefined && /^no[-_]/.test(name)) {
      const positive = names.get(name.slice(3));
      if (positive !== undefined && typeof defaults[positive] === 'boolean') [key, negated] = [positive, true];
      else if (positive !== undefined) {
        throw usageError(
          `${flag}: only boolean options have a --no- form, and --${kebab(positive)} takes ${article(typeof defaults[positive])}`,
        );
      }
    }
    if (key === undefined) throw unknownKey(`unknown option ${flag}`, name, keys, 'flag');

    const type = typeof defaults[key];
    let value: ConfigValue;
    if (type === 'boolean') {
      if (negated && inline !== undefined)
        throw usageError(`${flag} takes no value; write --${name.slice(3)}=${inline} instead`);
      value = negated ? false : inline === undefined ? true : parseBoolean(inline, flag);
      if (inline === undefined && !negated) previousBoolean = flag;
    } else if (type === 'number') {
      const raw = takeValue('a number');
      if (!isNumber(raw)) throw usageError(`${flag} expects a number, got '${raw}'`);
      value = Number(raw);
    } else {
      value = takeValue('a string');
    }
    out.flags.push({ key, value, flag });
  }
  return out;
}

/** Every accepted spelling of every key → the key: `nLayer`, `n-layer`, `n_layer`, and the separator-free lower case. */
function nameTable(keys: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const key of keys) {
    if (!/^[a-z][a-zA-Z0-9]*$/.test(key))
      throw new TypeError(`config key '${key}' must be camelCase (letters and digits)`);
    for (const name of [key, kebab(key), kebab(key).replaceAll('-', '_'), normalize(key)]) {
      const other = names.get(name);
      if (other !== undefined && other !== key)
        throw new TypeError(`config keys '${other}' and '${key}' are both spelled '${name}'`);
      names.set(name, key);
    }
  }
  return names;
}

/** `nLayer` → `n-layer`, `lrDecayIters` → `lr-decay-iters`, `beta2` → `beta2`. */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** A spelling with case and separators removed, so `N_Layer`, `n-layer` and `nlayer` meet. */
function normalize(name: string): string {
  return name.replace(/[-_]/g, '').toLowerCase();
}

/** Decimal numbers as people type them: `4`, `-1`, `0.9`, `.5`, `6e-4`. Not hex, not `NaN`, not `Infinity`, not empty. */
function isNumber(text: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) && Number.isFinite(Number(text));
}

function parseBoolean(text: string, flag: string): boolean {
  const lower = text.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  throw usageError(`${flag} expects a boolean (true, false, 1 or 0), got '${text}'`);
}

function unknownKey(what: string, typed: string, keys: readonly string[], kind: 'flag' | 'file'): CliError {
  const spelled = keys.map((key) => (kind === 'flag' ? `--${kebab(key)}` : key));
  const close = suggest(kebab(typed.replaceAll('_', '-')).toLowerCase(), keys.map(kebab));
  const hint =
    close === undefined
      ? ''
      : ` (did you mean ${kind === 'flag' ? `--${close}` : keys[keys.map(kebab).indexOf(close)]}?)`;
  return usageError(`${what}${hint}; valid ${kind === 'flag' ? 'options' : 'settings'}: ${spelled.join(', ')}`);
}

function usageError(message: string): CliError {
  return new CliError(message, { exitCode: USAGE_EXIT_CODE });
}

function article(type: string): string {
  return type === 'number' ? 'a number' : type === 'boolean' ? 'a boolean' : 'a string';
}

function show(value: ConfigValue): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/**
 * The text of `--help`: the usage line, then every key as its flag, its type, its default and its
 * help (and choices), aligned in columns, then `--config` and `--help` themselves.
 *
 * @example
 * console.log(formatHelp(defaults, { help, usage: 'pnpm pretrain [options]' }));
 * // Usage: pnpm pretrain [options]
 * //
 * // Options (also --snake_case; a --config FILE.json may set them, flags win):
 * //   --n-layer <number>   4   transformer blocks
 */
export function formatHelp<D extends ConfigDefaults>(defaults: D, spec: ConfigSpec<D>): string {
  const rows: [string, string, string][] = (Object.keys(defaults) as (keyof D & string)[]).map((key) => {
    const value = defaults[key]!;
    const flag =
      typeof value === 'boolean' ? `--${kebab(key)}, --no-${kebab(key)}` : `--${kebab(key)} <${typeof value}>`;
    const choices = spec.choices?.[key];
    const help = choices ? `${spec.help[key]} (${choices.map(String).join(' | ')})` : spec.help[key];
    return [flag, typeof value === 'string' ? JSON.stringify(value) : String(value), help];
  });
  rows.push(['--config <FILE.json>', '', 'read settings from a JSON file; flags override it']);
  rows.push(['--help, -h', '', 'show this help']);
  const width0 = Math.max(...rows.map((r) => r[0].length));
  const width1 = Math.max(...rows.map((r) => r[1].length));
  const lines = [`Usage: ${spec.usage ?? '[options]'}`];
  if (spec.description) lines.push('', spec.description);
  lines.push('', 'Options (also --snake_case; a --config FILE.json may set them, flags win):');
  for (const [flag, value, help] of rows)
    lines.push(`  ${flag.padEnd(width0)}  ${value.padEnd(width1)}  ${help}`.trimEnd());
  return lines.join('\n');
}
