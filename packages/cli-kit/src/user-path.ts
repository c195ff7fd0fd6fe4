// Where the user typed the command: the paths they give are read from there, and the paths shown to them are written relative to it.
import { isAbsolute, relative, resolve } from 'node:path';

/**
 * The directory the user typed the command in. `pnpm pretrain` runs an app's script inside its
 * folder (apps/char-gpt) but sets INIT_CWD to where pnpm was started, so `--data ../x.txt` means
 * what the user sees.
 */
export function userCwd(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

/**
 * A user-given path made absolute against {@link userCwd} and normalised, so what tab completion
 * writes (`/x/runs/a/`) names the same directory as `/x/runs/a`.
 */
export function userPath(path: string): string {
  return resolve(userCwd(), path);
}

/**
 * `path` as the user would type it: relative to {@link userCwd} when inside it, else absolute, so
 * output shows `runs/quick` rather than where this machine keeps the repository.
 * @example
 * shownPath(userPath('runs/quick')); // 'runs/quick'
 */
export function shownPath(path: string): string {
  const rel = relative(userCwd(), path);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
