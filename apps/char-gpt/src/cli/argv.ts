// Rewrites nanoGPT spellings that differ from ours (`--dataset=shakespeare_char`, `--gradient_accumulation_steps=4`), so its command lines paste as they are.
import { configPath } from '../paths.js';

/** Flag rewrites: nanoGPT's name → ours, and an optional rewrite of the value. */
export type FlagAliases = Readonly<Record<string, { flag: string; value?: (value: string) => string }>>;

/**
 * `argv` with every aliased flag renamed (both `--name=value` and `--name value` forms; any
 * spelling: `--out_dir`, `--out-dir`), and every `--config NAME` turned into a file path: a bare
 * name (`quick`, `baby.json`) is one of the app's `configs/`, anything else a path from where
 * the user typed the command.
 *
 * @example
 * rewriteArgv(['--dataset=shakespeare_char', '--config', 'baby'], aliases);
 * // ['--data=tinyshakespeare', '--config=/…/apps/char-gpt/configs/baby.json']
 */
export function rewriteArgv(argv: readonly string[], aliases: FlagAliases): string[] {
  const table = { ...aliases, config: { flag: 'config', value: configPath } };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const match = /^--([A-Za-z][\w-]*)(?:=(.*))?$/s.exec(arg);
    const alias = match ? table[normalize(match[1]!) as keyof typeof table] : undefined;
    if (!match || !alias) {
      out.push(arg);
      continue;
    }
    let value = match[2];
    if (value === undefined && i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) value = argv[++i];
    if (value === undefined) {
      out.push(`--${alias.flag}`); // let the config parser report the missing value
      continue;
    }
    out.push(`--${alias.flag}=${alias.value ? alias.value(value) : value}`);
  }
  return out;
}

/** `out_dir`, `out-dir`, `outDir` → `outdir`. */
function normalize(name: string): string {
  return name.replace(/[-_]/g, '').toLowerCase();
}
