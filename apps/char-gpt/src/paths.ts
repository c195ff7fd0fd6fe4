// Where user-given paths are resolved from: the directory pnpm was started in, not this app's folder.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory the user typed the command in. `pnpm pretrain` runs this app's scripts inside
 * apps/char-gpt but sets INIT_CWD to where pnpm was started (the repo root), so `--data
 * ../corpora/x.txt` means what the user sees.
 */
export function userCwd(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

/** A user-given path made absolute against {@link userCwd} and normalised (`/x/runs/a/` → `/x/runs/a`). */
export function userPath(path: string): string {
  return resolve(userCwd(), path);
}

/** This app's folder (apps/char-gpt), home of `configs/`. */
export const appDir = fileURLToPath(new URL('..', import.meta.url));

/** A `--config` value as a file: a bare name (`quick`, `baby.json`) is one of `configs/`, anything else a path. */
export function configPath(value: string): string {
  if (/^[\w-]+(\.json)?$/.test(value)) {
    const name = value.endsWith('.json') ? value : `${value}.json`;
    return join(appDir, 'configs', name);
  }
  return userPath(value);
}
