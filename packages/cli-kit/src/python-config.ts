// Reads the settings of a nanoGPT config file (config/train_shakespeare_char.py and its kind): `name = value` lines.
import { CliError } from './cli-error.js';
import type { ConfigValue } from './config.js';

/** One `name = value` line of a config file. */
export interface PythonSetting {
  readonly name: string;
  readonly value: ConfigValue;
  /** 1-based line number, for messages. */
  readonly line: number;
}

/**
 * The settings of a nanoGPT config file, in order. nanoGPT's `configurator.py` runs such a file as
 * Python; this reads the subset its config files are written in, without running anything: blank
 * lines, `#` comments (also after a value), `import` lines (skipped: they only serve expressions
 * this does not evaluate), and `name = value` where the value is a number (`1e-3`, `5 * 8`: `+ - * /`,
 * `//`, `**` and parentheses over numbers), a string in single or double quotes, `True` or `False`.
 * Anything else is one {@link CliError} naming the file, the line and its text.
 * @example
 * parsePythonConfig("n_layer = 6\nlearning_rate = 1e-3 # higher for baby networks\nbias = False", 'c.py');
 * // [{ name: 'n_layer', value: 6, line: 1 }, { name: 'learning_rate', value: 0.001, line: 2 }, { name: 'bias', value: false, line: 3 }]
 */
export function parsePythonConfig(text: string, file: string, exitCode = 2): PythonSetting[] {
  const settings: PythonSetting[] = [];
  const fail = (line: number, source: string, why: string): never => {
    throw new CliError(`${file} line ${line}: ${why}: ${source.trim()}`, { exitCode });
  };
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((source, i) => {
      const code = withoutComment(source).trim();
      if (code === '' || /^(import|from)\s/.test(code)) return;
      const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*(.*)$/s.exec(code);
      if (!match) fail(i + 1, source, 'only `name = value` settings are read from a config file');
      const value = pythonValue(match![2]!);
      if (value === undefined) {
        fail(i + 1, source, 'the value must be a number, a quoted string, True or False (nothing is run)');
      }
      settings.push({ name: match![1]!, value: value!, line: i + 1 });
    });
  return settings;
}

/** `source` up to a `#` that stands outside quotes. */
function withoutComment(source: string): string {
  let quote = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#') return source.slice(0, i);
  }
  return source;
}

/** A Python literal as a config value: True/False, a quoted string, or arithmetic over numbers; else undefined. */
function pythonValue(text: string): ConfigValue | undefined {
  const t = text.trim();
  if (t === 'True' || t === 'False') return t === 'True';
  const string = /^(['"])((?:\\.|(?!\1).)*)\1$/s.exec(t);
  if (string) return string[2]!.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t' })[c] ?? c);
  const number = arithmetic(t);
  return number !== undefined && Number.isFinite(number) ? number : undefined;
}

/** The value of `+ - * / // **` and parentheses over decimal numbers (`5 * 8`, `6e-4`, `1_000`); else undefined. */
function arithmetic(text: string): number | undefined {
  const tokens = text.match(/\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?|\.\d[\d_]*(?:[eE][+-]?\d+)?|\*\*|\/\/|[-+*/()]|\S/g);
  if (!tokens) return undefined;
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  // sum := product (('+'|'-') product)*; product := unary (('*'|'/'|'//') unary)*; unary := ('-'|'+')* power;
  // power := atom ('**' unary)?; atom := number | '(' sum ')'. Python's precedence: ** binds tighter than a unary minus on its left.
  const sum = (): number => {
    let v = product();
    while (peek() === '+' || peek() === '-') v = tokens[at++] === '+' ? v + product() : v - product();
    return v;
  };
  const product = (): number => {
    let v = unary();
    for (let op = peek(); op === '*' || op === '/' || op === '//'; op = peek()) {
      at++;
      const r = unary();
      v = op === '*' ? v * r : op === '/' ? v / r : Math.floor(v / r);
    }
    return v;
  };
  const unary = (): number => {
    if (peek() === '-' || peek() === '+') return tokens[at++] === '-' ? -unary() : unary();
    return power();
  };
  const power = (): number => {
    const base = atom();
    if (peek() !== '**') return base;
    at++;
    return base ** unary();
  };
  const atom = (): number => {
    const token = tokens[at++];
    if (token === '(') {
      const v = sum();
      if (tokens[at++] !== ')') return NaN;
      return v;
    }
    if (token === undefined || !/^[\d.]/.test(token) || token.includes('__') || /_$|_\.|\._/.test(token)) return NaN;
    return Number(token.replaceAll('_', ''));
  };
  const value = sum();
  return at === tokens.length ? value : undefined;
}
