// Where user-given paths are resolved from: the directory pnpm was started in, not this app's folder.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory the user typed the command in. `pnpm pretrain` runs this app's scripts inside
 * apps/char-gpt but sets INIT_CWD to where pnpm was started (the repo root), so `--data
 * ../corpora/x.txt` means what the user sees.
 */
export function userCwd(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

/** A user-given path made absolute against {@link userCwd}. */
export function userPath(path: string): string {
  return isAbsolute(path) ? path : resolve(userCwd(), path);
}

/** This app's folder (apps/char-gpt), home of `configs/`. */
export const appDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * The bundled config file a bare `--config` name means (`quick`, `baby.json` → `configs/quick.json`),
 * or undefined: cli-kit's `resolveConfig` asks this only when no file of that name exists where the
 * user is, so `--config quick.json` reads `./quick.json` when there is one.
 */
export function presetPath(value: string): string | undefined {
  if (!/^[\w-]+(\.json)?$/.test(value)) return undefined;
  const path = join(appDir, 'configs', value.endsWith('.json') ? value : `${value}.json`);
  return existsSync(path) ? path : undefined;
}
