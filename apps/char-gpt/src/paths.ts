// Where user-given paths are resolved from: the directory pnpm was started in, not this app's folder.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CliError, userPath } from '@tinygpt/cli-kit';
import { CORPUS_NAMES, unknownCorpus } from '@tinygpt/datasets/text';

export { userCwd, userPath } from '@tinygpt/cli-kit';

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

/** The names `presetPath` knows, in `configs/` (quick, baby, …), for the message when a `--config` is neither. */
export function presetNames(): string[] {
  const files = readdirSync(join(appDir, 'configs')).filter((file) => file.endsWith('.json'));
  return files.map((file) => file.slice(0, -'.json'.length)).sort();
}

/**
 * `--data` as the loaders take it: a corpus name as it is, anything else made absolute against the
 * user's directory.
 * @throws DatasetError for a bare word that is neither a corpus nor a file there (`unknownCorpus`)
 */
export function dataPath(data: string): string {
  if ((CORPUS_NAMES as readonly string[]).includes(data)) return data;
  const path = userPath(data);
  const unknown = unknownCorpus(data, path);
  if (unknown) throw unknown;
  return path;
}

/**
 * The `--checkpoint DIR` of generate, eval and export, made absolute; a usage error when it is missing.
 * @throws CliError (exit code 2) when `value` is empty.
 */
export function requiredCheckpoint(value: string): string {
  if (!value) {
    throw new CliError(
      '--checkpoint DIR is required: the --out-dir of a pnpm pretrain run, e.g. --checkpoint runs/quick',
      { exitCode: 2 },
    );
  }
  return userPath(value);
}
