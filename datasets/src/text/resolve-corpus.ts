// Turns what a user typed after --data into a corpus: a bundled name (moby-dick, tinyshakespeare) or a path to any UTF-8 text file.
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { suggest } from '@tinygpt/cli-kit';
import { DatasetError } from './dataset-error.js';
import { loadMobyDick, MOBY_DICK_SOURCE } from '../moby-dick/moby-dick.js';
import { loadTinyShakespeare } from '../tinyshakespeare/tinyshakespeare.js';
import type { TinyShakespeareOptions } from '../tinyshakespeare/tinyshakespeare.js';
import { loadTextFile } from './load-text-file.js';
import type { LoadTextFileOptions } from './load-text-file.js';

/** The corpora known by name; `'moby-dick'`, bundled with the package, is the default. */
export const CORPUS_NAMES = ['moby-dick', 'tinyshakespeare'] as const;

/** A corpus known by name. */
export type CorpusName = (typeof CORPUS_NAMES)[number];

/** A loaded text corpus. */
export interface Corpus {
  /** `'moby-dick'`, `'tinyshakespeare'`, or the file name of a path (`'input.txt'`). */
  readonly name: string;
  /** The whole text. */
  readonly text: string;
  /** Where it came from: a package and edition, an absolute path, or a URL. Goes into checkpoints. */
  readonly source: string;
}

/**
 * Loads the corpus `nameOrPath` names: `'moby-dick'` (bundled), `'tinyshakespeare'` (found or
 * downloaded, see `loadTinyShakespeare`; `options` are passed to it), or else a path to a UTF-8
 * text file. A file that happens to be called `moby-dick` is reached as `./moby-dick`.
 *
 * @example
 * const { name, text, source } = await resolveCorpus(config.data); // config.data = 'moby-dick'
 */
export async function resolveCorpus(
  nameOrPath: string = 'moby-dick',
  options: TinyShakespeareOptions & LoadTextFileOptions = {},
): Promise<Corpus> {
  if (nameOrPath === 'moby-dick') return { name: 'moby-dick', text: loadMobyDick(), source: MOBY_DICK_SOURCE };
  if (nameOrPath === 'tinyshakespeare') return { name: 'tinyshakespeare', ...(await loadTinyShakespeare(options)) };
  const unknown = unknownCorpus(nameOrPath);
  if (unknown) throw unknown;
  return { name: basename(nameOrPath), text: loadTextFile(nameOrPath, options), source: resolve(nameOrPath) };
}

/**
 * The error for a `--data` word that is neither a corpus name nor a file, or undefined for anything
 * else: a bare word (no directory, no extension) with no file at `path` (where it was looked for) is
 * likelier a corpus name mistyped than a missing file, so the error gives the names, and the closest.
 * @example
 * unknownCorpus('mobydick', 'corpora/mobydick')?.message;
 * // 'text file not found: corpora/mobydick, and no corpus is named mobydick (did you mean moby-dick?); …'
 */
export function unknownCorpus(word: string, path = word): DatasetError | undefined {
  const named = (CORPUS_NAMES as readonly string[]).includes(word);
  if (named || !/^[\w-]+$/.test(word) || existsSync(path)) return undefined;
  const close = suggest(word.toLowerCase(), CORPUS_NAMES);
  const hint = close === undefined ? '' : ` (did you mean ${close}?)`;
  return new DatasetError(
    `text file not found: ${path}, and no corpus is named ${word}${hint}; the corpora: ${CORPUS_NAMES.join(', ')}`,
  );
}
