// nanoGPT-style configuration, typed: defaults, then --config FILE.json files, then flags (node:util parseArgs)
// read by each default's type.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, USAGE_EXIT_CODE } from './cli-error.js';
import { readJsonFile, utf8Text } from './files.js';
import { parsePythonConfig } from './python-config.js';
import { readUserFile } from './read-file.js';
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

/** What {@link resolveConfig} and `formatHelp` need besides the defaults. */
export interface ConfigSpec<D extends ConfigDefaults> {
  /** One line of help for every key (a key without help does not compile). */
  readonly help: { readonly [K in keyof D]: string };
  /** The allowed values of some keys, e.g. `{ initFrom: ['scratch', 'resume'] }`. */
  readonly choices?: { readonly [K in keyof D]?: readonly Config<D>[K][] };
  /** Extra checks of some keys, e.g. `{ nLayer: isPositiveInteger }`. */
  readonly validate?: { readonly [K in keyof D]?: Validator<Config<D>[K], Config<D>> };
  /** Where a default that is not built in came from, for error messages: `{ backend: '$TINYGPT_BACKEND' }`. */
  readonly defaultFrom?: { readonly [K in keyof D]?: string };
  /** More camelCase names of some keys, spelled every way a key is: nanoGPT's `{ gradientAccumulationSteps: 'gradAccum' }`. */
  readonly aliases?: { readonly [name: string]: string };
  /** A named config file (`--config quick`) → its path, or undefined. A file of that name where the user is wins. */
  readonly preset?: (name: string) => string | undefined;
  /** The names `preset` knows: a `--config` that is neither a file nor one of them is refused, naming them. */
  readonly presets?: readonly string[];
  /** How many positional arguments (subcommands, file names) are allowed; default 0. */
  readonly positionals?: number;
  /**
   * Read a positional argument ending in `.py` as a config file, as nanoGPT's `python train.py
   * config/train_shakespeare_char.py --key=value` does (it does not count against `positionals`).
   */
  readonly pythonConfigArgs?: boolean;
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
  /** `--help` or `-h` was given: print `formatHelp` and stop. Nothing else was checked. */
  readonly help: boolean;
  /** Where each key's value came from. */
  readonly sources: { [K in keyof D]: ConfigSource };
  /** The `--config` files read, as absolute paths, in the order applied. */
  readonly configFiles: string[];
}

/**
 * Resolves a command's configuration as nanoGPT's `configurator.py` does, with types: `defaults`,
 * then each `--config FILE.json` (keys in any spelling), then the flags, wherever they stand. A flag
 * is read by its default's type and may be spelled `--n-layer 4`, `--n-layer=4`, `--nLayer=4` or
 * nanoGPT's `--n_layer=4`; booleans `--bias`, `--no-bias`, `--bias=true|false|1|0|True|False`. Any
 * mistake throws one {@link CliError} with exit code 2 naming the flag or file key and what was
 * expected (an unknown key: the valid ones and the closest). `--help` short-circuits every check.
 * @example
 * resolveConfig({ nLayer: 4, bias: false }, ['--n_layer=6', '--bias'], { help }).config; // { nLayer: 6, bias: true }
 */
export function resolveConfig<D extends ConfigDefaults>(
  defaults: D,
  argv: readonly string[],
  spec: ConfigSpec<D>,
): ResolvedConfig<D> {
  const keys = Object.keys(defaults) as (keyof D & string)[];
  const names = nameTable(keys, spec.aliases ?? {});
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    config: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, key] of names) options[name] = { type: typeof defaults[key] === 'boolean' ? 'boolean' : 'string' };
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const help = tokens.some((t) => t.kind === 'option' && t.name === 'help'); // after `--` every token is positional
  const positionals: string[] = [];
  const configFiles: string[] = [];
  type Setting = [key: string, value: ConfigValue, source: ConfigSource, where: string];
  const fromFiles: Setting[] = [];
  const fromFlags: Setting[] = [];
  /** The settings of `--config VALUE` (a preset, a JSON file, or a nanoGPT `.py` file), checked against the defaults. */
  const readConfigFile = (value: string): Setting[] => {
    const path = resolve(spec.cwd ?? process.cwd(), value); // a file of that name where the user is wins over a preset
    const preset = existsSync(path) ? undefined : spec.preset?.(value);
    // A bare name (no directory in it) that is neither a file here nor a preset: say both.
    if (preset === undefined && spec.presets?.length && !/[/\\]/.test(value) && !existsSync(path)) {
      throw noConfig(value, path, spec.presets);
    }
    configFiles.push(preset ?? path);
    const file = configFiles.at(-1)!;
    // Each setting with where it stands (the file, and the line of a .py one) and how a message names it.
    const entries: [setting: string, v: unknown, at: string, where: string][] = [];
    const python = file.endsWith('.py');
    if (python) {
      const text = readUserFile(file, { what: 'config file', maxBytes: MAX_CONFIG_BYTES, exitCode: USAGE_EXIT_CODE });
      const settings = parsePythonConfig(utf8Text(text, `config file ${value}`, USAGE_EXIT_CODE), value);
      for (const { name, value: v, line } of settings) {
        entries.push([name, v, `${value} line ${line}`, `${value} line ${line}: ${name}`]);
      }
    } else {
      const content = readJsonFile(file, 'config file', USAGE_EXIT_CODE);
      if (content === null || typeof content !== 'object' || Array.isArray(content)) {
        throw usageError(`config file ${value} must hold a JSON object of settings, e.g. {"nLayer": 4}`);
      }
      for (const [setting, v] of Object.entries(content)) entries.push([setting, v, value, `${value}: "${setting}"`]);
    }
    return entries.map(([setting, v, at, where]) => {
      const k = names.get(normalize(setting));
      if (k === undefined) {
        throw unknownKey(`${at}: unknown setting "${setting}"`, setting, keys, python ? 'python' : 'file');
      }
      if (typeof v !== typeof defaults[k]) {
        throw usageError(`${where} expects ${article(defaults[k]!)}, got ${JSON.stringify(v)}`);
      }
      if (typeof v === 'number' && !Number.isFinite(v)) {
        throw usageError(`${where} expects a finite number, got ${v}`); // 1e400 parses as Infinity
      }
      return [k, v as ConfigValue, 'file', where];
    });
  };
  for (const [i, t] of tokens.entries()) {
    const [raw, before] = [argv[t.index]!, tokens[i - 1]];
    if (t.kind === 'option-terminator' || t.index === before?.index) continue; // `-0.5` gives a token per character
    if (t.kind === 'positional' && spec.pythonConfigArgs && raw.endsWith('.py')) {
      if (!help) fromFiles.push(...readConfigFile(raw));
      continue;
    }
    if (t.kind === 'positional' || (!raw.startsWith('--') && isNumber(raw))) {
      const max = spec.positionals ?? 0;
      if (positionals.push(raw) <= max || help) continue;
      const boolean = before?.kind === 'option' && !before.value && options[before.name]?.type === 'boolean';
      const hint = boolean
        ? `a boolean flag takes its value after '=': ${before.rawName}=${raw}`
        : `this command takes ${max ? `at most ${max}` : 'only --flags'}`;
      throw usageError(`unexpected argument '${raw}' (${hint})`);
    }
    if (help) continue;
    const { name, rawName: flag, value, inlineValue } = t;
    const negated = !names.has(name) && /^no[-_]/.test(name);
    const key = names.get(negated ? name.slice(3) : name);
    if (key === undefined && name !== 'config') throw unknownKey(`unknown option ${flag}`, name, keys, 'flag');
    const wanted = key === undefined ? 'a path to a JSON file' : article(defaults[key]!);
    if (negated && typeof defaults[key!] !== 'boolean') {
      throw usageError(`${flag}: only boolean options have a --no- form, and --${kebab(key!)} takes ${wanted}`);
    }
    if (negated && inlineValue) throw usageError(`${flag} takes no value; write --${name.slice(3)}=${value} instead`);
    if (value === undefined ? options[name]?.type === 'string' : !inlineValue && /^--./.test(value)) {
      throw usageError(`${flag} needs a value (${wanted})`);
    }
    if (key !== undefined) fromFlags.push([key, !negated && parseValue(value, defaults[key]!, flag), 'flag', flag]);
    else fromFiles.push(...readConfigFile(value!));
  }
  const set = new Map([...fromFiles, ...fromFlags].map((setting) => [setting[0], setting])); // the last one wins
  const config: Record<string, ConfigValue> = { ...defaults, ...Object.fromEntries([...set.values()]) };
  const sources = Object.fromEntries(
    keys.map((k) => [k, set.get(k)?.[2] ?? 'default']),
  ) as ResolvedConfig<D>['sources'];
  for (const key of help ? [] : keys) {
    const [value, where] = [
      config[key]!,
      set.get(key)?.[3] ?? spec.defaultFrom?.[key] ?? `--${kebab(key)}, by default,`,
    ];
    const allowed = (spec.choices?.[key] ?? [value]) as readonly ConfigValue[];
    if (!allowed.includes(value)) throw usageError(`${where} must be one of ${allowed.join(', ')}; got ${show(value)}`);
    const expected = (spec.validate?.[key] as Validator<ConfigValue> | undefined)?.(value, config);
    if (expected !== undefined) throw usageError(`${where} expects ${expected}, got ${show(value)}`);
  }
  return { config: config as Config<D>, positionals, help, sources, configFiles };
}

/** Every accepted spelling of every key and alias (`nLayer`, `n-layer`, `n_layer`, `nlayer`) → the key. */
function nameTable(keys: readonly string[], aliases: Readonly<Record<string, string>>): Map<string, string> {
  const names = new Map<string, string>();
  for (const [name, key] of [...keys.map((k) => [k, k]), ...Object.entries(aliases)] as [string, string][]) {
    const other = names.get(normalize(name)) ?? key;
    if (!keys.includes(key)) throw new TypeError(`alias '${name}' names no config key: '${key}'`);
    if (!/^[a-z][a-zA-Z0-9]*$/.test(name)) throw new TypeError(`config key '${name}' must be camelCase`);
    if (other !== key) throw new TypeError(`config keys '${other}' and '${key}' are both spelled '${normalize(name)}'`);
    for (const s of [name, kebab(name), kebab(name).replaceAll('-', '_'), normalize(name)]) names.set(s, key);
  }
  return names;
}

/** `nLayer` → `n-layer`, `lrDecayIters` → `lr-decay-iters`, `beta2` → `beta2`. */
export const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const normalize = (name: string) => name.replace(/[-_]/g, '').toLowerCase();
/** Decimal numbers as people type them: `4`, `-1`, `.5`, `6e-4`. Not hex, not `NaN`, not `Infinity`, not empty. */
const isNumber = (s: string) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && Number.isFinite(Number(s));
const article = (value: ConfigValue) => (typeof value === 'number' ? 'a number' : `a ${typeof value}`);
const show = (value: ConfigValue) => (typeof value === 'string' ? `'${value}'` : String(value));
const usageError = (message: string) => new CliError(message, { exitCode: USAGE_EXIT_CODE });
/** Largest `.py` config file read: nanoGPT's are a few hundred bytes. */
const MAX_CONFIG_BYTES = 1024 * 1024;

function parseValue(text: string | undefined, like: ConfigValue, flag: string): ConfigValue {
  if (typeof like === 'string') return text!;
  if (typeof like === 'number' && isNumber(text!)) return Number(text);
  if (typeof like === 'number') throw usageError(`${flag} expects a number, got '${text}'`);
  const bool = text === undefined || /^(true|1)$/i.test(text) ? true : /^(false|0)$/i.test(text) ? false : undefined;
  if (bool === undefined) throw usageError(`${flag} expects a boolean (true, false, 1 or 0), got '${text}'`);
  return bool;
}

/** A `--config` that names neither a file nor a preset: both said, and the closest preset if one is. */
function noConfig(value: string, path: string, presets: readonly string[]): CliError {
  const close = suggest(value.replace(/\.json$/, '').toLowerCase(), presets);
  const hint = close === undefined ? '' : ` (did you mean ${close}?)`;
  return usageError(
    `--config ${value}: no file ${path}, and no preset of that name${hint}; presets: ${presets.join(', ')}`,
  );
}

function unknownKey(what: string, typed: string, keys: readonly string[], kind: 'flag' | 'file' | 'python'): CliError {
  // Each kind of source spelled its own way: --n-layer on the command line, nLayer in JSON, n_layer in nanoGPT's Python.
  const spell = (key: string) =>
    kind === 'flag' ? `--${kebab(key)}` : kind === 'python' ? kebab(key).replaceAll('-', '_') : key;
  const close = suggest(kebab(typed.replaceAll('_', '-')).toLowerCase(), keys.map(kebab));
  const closeKey = keys.find((key) => kebab(key) === close);
  const hint = closeKey === undefined ? '' : ` (did you mean ${spell(closeKey)}?)`;
  return usageError(`${what}${hint}; valid ${kind === 'flag' ? 'options' : 'settings'}: ${keys.map(spell).join(', ')}`);
}
