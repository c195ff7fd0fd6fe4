// The `--help` text of a command configured by resolveConfig: usage, then every knob's flag, type, default and help.
import { kebab } from './config.js';
import type { ConfigDefaults, ConfigSpec } from './config.js';

/**
 * The text of `--help`: the usage line, then every key as its flag, type, default and help (and
 * choices), in columns, then `--config` and `--help` themselves.
 * @example
 * console.log(formatHelp(defaults, { help, usage: 'pnpm pretrain [options]' }));
 * // Usage: pnpm pretrain [options]  …  --n-layer <number>   4   transformer blocks
 */
export function formatHelp<D extends ConfigDefaults>(defaults: D, spec: ConfigSpec<D>): string {
  const rows = (Object.keys(defaults) as (keyof D & string)[]).map((key) => {
    const [value, choices, flag] = [defaults[key]!, spec.choices?.[key], `--${kebab(key)}`];
    return [
      typeof value === 'boolean' ? `${flag}, --no-${kebab(key)}` : `${flag} <${typeof value}>`,
      typeof value === 'string' ? JSON.stringify(value) : String(value),
      `${spec.help[key]}${choices ? ` (${choices.join(' | ')})` : ''}`,
    ];
  });
  rows.push(['--config <FILE.json>', '', 'read settings from a JSON file (or a nanoGPT .py one); flags override it']);
  rows.push(['--help, -h', '', 'show this help']);
  const [w0, w1] = [0, 1].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  const head = [`Usage: ${spec.usage ?? '[options]'}`, ...(spec.description ? ['', spec.description] : []), ''];
  head.push('Options (also --snake_case; a --config FILE.json may set them, flags win):');
  return [...head, ...rows.map(([f, v, h]) => `  ${f!.padEnd(w0!)}  ${v!.padEnd(w1!)}  ${h}`.trimEnd())].join('\n');
}
