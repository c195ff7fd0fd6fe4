// Why a directory a command is asked to write cannot take it: one message for the files there that are not its own.
import { existsSync, readdirSync, statSync } from 'node:fs';

/**
 * `holds files that are not part of WHAT (a, b, c, …); choose a new or empty directory`: the refusal of a
 * directory holding the entries `foreign`, naming the first three.
 * @example
 * throw new CliError(`--out-dir ${dir} ${foreignFilesRefusal(foreign, 'a char-gpt run')}`, { exitCode: 2 });
 */
export function foreignFilesRefusal(foreign: readonly string[], what: string): string {
  const list = `${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}`;
  return `holds files that are not part of ${what} (${list}); choose a new or empty directory`;
}

/**
 * Why `dir` cannot be written as `what`, a directory of `allowed` entries only (an earlier one is
 * replaced), or null when it can: a file is there, or a directory holding anything else. `shown`
 * names `dir` in the message.
 * @example
 * dirRefusal('runs/x', ['model.safetensors', 'config.json'], 'an exchange directory'); // null when runs/x is new
 */
export function dirRefusal(dir: string, allowed: readonly string[], what: string, shown = dir): string | null {
  if (!existsSync(dir)) return null;
  if (!statSync(dir).isDirectory()) return `${shown} exists and is not a directory`;
  const foreign = readdirSync(dir).filter((name) => !allowed.includes(name));
  return foreign.length === 0 ? null : `${shown} ${foreignFilesRefusal(foreign, what)}`;
}
