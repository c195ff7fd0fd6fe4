// nanoGPT-style configuration, typed: defaults, then --config FILE.json files, then flags (node:util parseArgs)
// parsed by each default's type.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
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

/** Checks one value (seeing the whole config); returns what was expected, e.g. `'a positive integer'`, or `undefined`. */
export type Validator<T, C = Record<string, ConfigValue>> = (value: T, config: C) => string | undefined;

/** Where a value came from. */
export type ConfigSource = 'default' | 'file' | 'flag';

/** What {@link resolveConfig} and {@link formatHelp} need besides the defaults. */
export interface ConfigSpec<D extends ConfigDefaults> {
  /** One line of help for every key (a key without help does not compile). */
  readonly help: { readonly [K in keyof D]: string };
  /** The allowed values of some keys, e.g. `{ initFrom: ['scratch', 'resume'] }`. */
  readonly choices?: { readonly [K in keyof D]?: readonly Config<D>[K][] };
  /** Extra checks of some keys, e.g. `{ nLayer: isPositiveInteger }`. */
  readonly validate?: { readonly [K in keyof D]?: Validator<Config<D>[K], Config<D>> };
  /** Where a default that is not built in came from, for error messages: `{ backend: '$TINYGPT_BACKEND' }`. */
  readonly defaultFrom?: { readonly [K in keyof D]?: string };
  /** More names of some keys, in any spelling: nanoGPT's `{ gradient_accumulation_steps: 'gradAccum' }`. */
  readonly aliases?: { readonly [name: string]: string };
  /** A named config file (`--config quick`) → its path, or undefined. A file of that name where the user is wins. */
  readonly preset?: (name: string) => string | undefined;
  /** How many positional arguments (subcommands, file names) are allowed; default 0. */
  readonly positionals?: number;
  /** First line of `--help`, e.g. `'pnpm pretrain [options]'`; a sentence under it. */
  readonly usage?: string;
  readonly description?: string;
  /** Directory that a relative `--config` path is resolved from (default `process.cwd()`). */
  readonly cwd?: string;
}

/** What {@link resolveConfig} returns. */
export interface ResolvedConfig<D extends ConfigDefaults> {
  /** Every key, from the last source that set it: defaults < config files < flags. */
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

/**
 * Resolves a command's configuration as nanoGPT's `configurator.py` does, with types: `defaults`,
 * then each `--config FILE.json` (keys in camelCase, kebab-case or snake_case), then the flags,
 * wherever they stand. A flag is parsed by its default's type and may be spelled `--n-layer 4`,
 * `--n-layer=4`, `--nLayer=4` or nanoGPT's `--n_layer=4`; booleans `--bias`, `--no-bias`,
 * `--bias=true|false|1|0|True|False`. Any mistake throws one {@link CliError} with exit code 2,
 * naming the flag or file key and what was expected (an unknown key: the valid ones and the
 * closest). `--help` short-circuits every check.
 *
 * @example
 * const defaults = { nLayer: 4, initFrom: 'scratch', bias: false };
 * resolveConfig(defaults, ['--n_layer=6', '--bias', '--init-from', 'resume'], { help }).config;
 * // { nLayer: 6, initFrom: 'resume', bias: true }
 */
export function resolveConfig<D extends ConfigDefaults>(
  defaults: D,
  argv: readonly string[],
  spec: ConfigSpec<D>,
): ResolvedConfig<D> {
  const keys = Object.keys(defaults) as (keyof D & string)[];
  const names = nameTable(keys, spec.aliases ?? {});
  const options = Object.fromEntries(
    [...names].map(([name, key]) => [name, { type: typeof defaults[key] === 'boolean' ? 'boolean' : 'string' }]),
  ) as Record<string, { type: 'boolean' | 'string' }>;
  Object.assign(options, { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const end = tokens.findIndex((t) => t.kind === 'option-terminator');
  const config = { ...defaults } as Record<string, ConfigValue>;
  const sources = Object.fromEntries(keys.map((key) => [key, 'default'])) as { [K in keyof D]: ConfigSource };
  const origin = new Map<string, string>(Object.entries(spec.defaultFrom ?? {}) as [string, string][]);
  const positionals: string[] = [];
  const files: [typed: string, path: string][] = [];
  const help = tokens.some((t, i) => t.kind === 'option' && t.name === 'help' && (end === -1 || i < end));
  const result = () => ({
    config: config as Config<D>,
    positionals,
    help,
    sources,
    configFiles: files.map((f) => f[1]),
  });
  const set = (key: string, value: ConfigValue, source: ConfigSource, where: string) => {
    [config[key], sources[key as keyof D]] = [value, source];
    origin.set(key, where);
  };
  const flags: [string, ConfigValue, string][] = [];
  for (const [i, t] of tokens.entries()) {
    const raw = argv[t.index] ?? '';
    if (t.kind === 'positional' || (t.kind === 'option' && !raw.startsWith('--') && isNumber(raw))) {
      if (t.kind === 'option' && tokens[i - 1]?.index === t.index) continue; // '-0.5' was split into '-0', '-.', '-5'
      const before = tokens[i - 1];
      const boolean =
        before?.kind === 'option' && before.value === undefined && options[before.name]?.type === 'boolean';
      positionals.push(raw);
      if (!help && positionals.length > (spec.positionals ?? 0))
        throw unexpected(raw, spec.positionals ?? 0, boolean ? before.rawName : undefined);
      continue;
    }
    if (t.kind !== 'option' || help) continue;
    const { name, rawName: flag, value, inlineValue } = t;
    if (value === undefined ? options[name]?.type === 'string' : !inlineValue && /^--./.test(value)) {
      throw usageError(
        `${flag} needs a value (${name === 'config' ? 'a path to a JSON file' : article(defaults[names.get(name)!]!)})`,
      );
    }
    if (name === 'config') files.push([value!, configPath(value!, spec.cwd, spec.preset)]);
    else if (names.has(name))
      flags.push([names.get(name)!, parseValue(value, defaults[names.get(name)!]!, flag), flag]);
    else {
      const positive = /^no[-_]/.test(name) ? names.get(name.slice(3)) : undefined;
      if (positive === undefined) throw unknownKey(`unknown option ${flag}`, name, keys, 'flag');
      if (typeof defaults[positive] !== 'boolean') {
        throw usageError(
          `${flag}: only boolean options have a --no- form, and --${kebab(positive)} takes ${article(defaults[positive]!)}`,
        );
      }
      if (inlineValue) throw usageError(`${flag} takes no value; write --${name.slice(3)}=${value} instead`);
      flags.push([positive, false, flag]);
    }
  }
  if (help) return result();

  for (const [shown, file] of files) {
    const content = readJsonFile(file, 'config file');
    if (content === null || typeof content !== 'object' || Array.isArray(content)) {
      throw usageError(`config file ${shown} must hold a JSON object of settings, e.g. {"nLayer": 4}`);
    }
    for (const [name, value] of Object.entries(content as Record<string, unknown>)) {
      const key = names.get(name) ?? names.get(normalize(name));
      if (key === undefined) throw unknownKey(`${shown}: unknown setting "${name}"`, name, keys, 'file');
      if (typeof value !== typeof defaults[key] || (typeof value === 'number' && !Number.isFinite(value))) {
        throw usageError(`${shown}: "${name}" expects ${article(defaults[key]!)}, got ${JSON.stringify(value)}`);
      }
      set(key, value as ConfigValue, 'file', `${shown}: "${name}"`);
    }
  }
  for (const [key, value, flag] of flags) set(key, value, 'flag', flag);

  for (const key of keys) {
    const value = config[key]!;
    const where = origin.get(key) ?? `the default of ${key}`;
    const allowed = spec.choices?.[key] as readonly ConfigValue[] | undefined;
    if (allowed && !allowed.includes(value)) {
      throw usageError(`${where} must be one of ${allowed.join(', ')}; got ${show(value)}`);
    }
    const expected = (spec.validate?.[key] as Validator<ConfigValue> | undefined)?.(value, config);
    if (expected !== undefined) throw usageError(`${where} expects ${expected}, got ${show(value)}`);
  }
  return result();
}

/** `--config NAME`: a file NAME where the user is wins over the preset of that name. */
function configPath(value: string, cwd = process.cwd(), preset?: (name: string) => string | undefined): string {
  const path = resolve(cwd, value);
  return existsSync(path) ? path : (preset?.(value) ?? path);
}

/** Every accepted spelling of every key (`nLayer`, `n-layer`, `n_layer`) and alias → the key. */
function nameTable(keys: readonly string[], aliases: Readonly<Record<string, string>>): Map<string, string> {
  const names = new Map<string, string>();
  const entries = keys.map((key) => [key, key]).concat(Object.entries(aliases).map(([a, key]) => [camel(a), key]));
  for (const [name, key] of entries as [string, string][]) {
    if (!keys.includes(key)) throw new TypeError(`alias '${name}' names no config key: '${key}'`);
    if (!/^[a-z][a-zA-Z0-9]*$/.test(name))
      throw new TypeError(`config key '${name}' must be camelCase (letters and digits)`);
    for (const spelling of [name, kebab(name), kebab(name).replaceAll('-', '_')]) {
      const clash = names.has(spelling) ? spelling : normalize(spelling);
      const other = names.get(clash);
      if (other !== undefined && other !== key)
        throw new TypeError(`config keys '${other}' and '${key}' are both spelled '${clash}'`);
      names.set(spelling, key);
    }
    names.set(normalize(name), key); // `--nlayer`, and `N_Layer` in a file
  }
  return names;
}

/** `nLayer` → `n-layer`, `lrDecayIters` → `lr-decay-iters`, `beta2` → `beta2`. */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

const camel = (name: string) => name.replace(/[-_]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const normalize = (name: string) => name.replace(/[-_]/g, '').toLowerCase();
/** Decimal numbers as people type them: `4`, `-1`, `.5`, `6e-4`. Not hex, not `NaN`, not `Infinity`, not empty. */
const isNumber = (text: string) =>
  /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) && Number.isFinite(Number(text));
const article = (value: ConfigValue) => (typeof value === 'number' ? 'a number' : `a ${typeof value}`);
const show = (value: ConfigValue) => (typeof value === 'string' ? `'${value}'` : String(value));
const booleans = new Map([
  ['true', true],
  ['1', true],
  ['false', false],
  ['0', false],
]);
const usageError = (message: string) => new CliError(message, { exitCode: USAGE_EXIT_CODE });

function parseValue(text: string | undefined, like: ConfigValue, flag: string): ConfigValue {
  if (typeof like === 'string') return text!;
  if (typeof like === 'number') {
    if (!isNumber(text!)) throw usageError(`${flag} expects a number, got '${text}'`);
    return Number(text);
  }
  const bool = text === undefined ? true : booleans.get(text.toLowerCase());
  if (bool === undefined) throw usageError(`${flag} expects a boolean (true, false, 1 or 0), got '${text}'`);
  return bool;
}

function unexpected(extra: string, max: number, booleanFlag: string | undefined): CliError {
  const hint = booleanFlag
    ? ` (a boolean flag takes its value after '=': ${booleanFlag}=${extra})`
    : ` (this command takes ${max === 0 ? 'only --flags' : `at most ${max}`})`;
  return usageError(`unexpected argument '${extra}'${hint}`);
}

function unknownKey(what: string, typed: string, keys: readonly string[], kind: 'flag' | 'file'): CliError {
  const close = suggest(kebab(typed.replaceAll('_', '-')).toLowerCase(), keys.map(kebab));
  const closeKey = keys.find((key) => kebab(key) === close);
  const hint = closeKey === undefined ? '' : ` (did you mean ${kind === 'flag' ? `--${close}` : closeKey}?)`;
  const valid = keys.map((key) => (kind === 'flag' ? `--${kebab(key)}` : key)).join(', ');
  return usageError(`${what}${hint}; valid ${kind === 'flag' ? 'options' : 'settings'}: ${valid}`);
}

/**
 * The text of `--help`: the usage line, then every key as its flag, type, default and help (and
 * choices), in columns, then `--config` and `--help` themselves.
 * @example
 * console.log(formatHelp(defaults, { help, usage: 'pnpm pretrain [options]' }));
 * // Usage: pnpm pretrain [options]  …  --n-layer <number>   4   transformer blocks
 */
export function formatHelp<D extends ConfigDefaults>(defaults: D, spec: ConfigSpec<D>): string {
  const rows = (Object.keys(defaults) as (keyof D & string)[]).map((key) => {
    const [value, choices] = [defaults[key]!, spec.choices?.[key]];
    const flag =
      typeof value === 'boolean' ? `--${kebab(key)}, --no-${kebab(key)}` : `--${kebab(key)} <${typeof value}>`;
    return [
      flag,
      typeof value === 'string' ? JSON.stringify(value) : String(value),
      `${spec.help[key]}${choices ? ` (${choices.join(' | ')})` : ''}`,
    ];
  });
  rows.push(
    ['--config <FILE.json>', '', 'read settings from a JSON file; flags override it'],
    ['--help, -h', '', 'show this help'],
  );
  const [w0, w1] = [0, 1].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  const lines = [`Usage: ${spec.usage ?? '[options]'}`, ...(spec.description ? ['', spec.description] : [])];
  lines.push('', 'Options (also --snake_case; a --config FILE.json may set them, flags win):');
  return [...lines, ...rows.map(([f, v, h]) => `  ${f!.padEnd(w0!)}  ${v!.padEnd(w1!)}  ${h}`.trimEnd())].join('\n');
}
