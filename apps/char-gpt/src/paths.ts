// Where user-given paths are resolved from: the directory pnpm was started in, not this app's folder.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
