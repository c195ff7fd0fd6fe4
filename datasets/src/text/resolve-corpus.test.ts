// Tests that resolveCorpus maps names to the bundled corpora and everything else to a file path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DatasetError } from './dataset-error.js';
import { CORPUS_NAMES, resolveCorpus } from './resolve-corpus.js';

describe('resolveCorpus', () => {
  it('defaults to the bundled moby-dick', async () => {
    const corpus = await resolveCorpus();
    expect(corpus.name).toBe('moby-dick');
    expect(corpus.text.length).toBe(1_212_979);
    expect(corpus.source).toMatch(/@stdlib\/datasets-moby-dick/);
    expect(CORPUS_NAMES).toEqual(['moby-dick', 'tinyshakespeare']);
  });

  it('loads any other name as a text file path', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tinygpt-corpus-')), 'poems.txt');
    writeFileSync(path, 'Tyger Tyger, burning bright,\n');
    expect(await resolveCorpus(path)).toEqual({
      name: 'poems.txt',
      text: 'Tyger Tyger, burning bright,\n',
      source: path,
    });
  });

  it('passes its options to the tinyshakespeare lookup', async () => {
    const offline = vi.fn<typeof fetch>(async () => {
      throw new TypeError('fetch failed');
    });
    await expect(
      resolveCorpus('tinyshakespeare', {
        env: {},
        cacheDir: mkdtempSync(join(tmpdir(), 'tinygpt-corpus-')),
        fetch: offline,
      }),
    ).rejects.toThrow(/pass --data PATH/);
    expect(offline).toHaveBeenCalledTimes(1);
  });

  it('reports a path that does not exist as a DatasetError, and a bare word with the corpus names', async () => {
    await expect(resolveCorpus('missing.txt')).rejects.toThrow(new DatasetError('text file not found: missing.txt'));
    await expect(resolveCorpus('mobydick')).rejects.toThrow(
      new DatasetError(
        'text file not found: mobydick, and no corpus is named mobydick (did you mean moby-dick?); ' +
          'the corpora: moby-dick, tinyshakespeare',
      ),
    );
    await expect(resolveCorpus('shakespear')).rejects.toThrow(
      new DatasetError(
        'text file not found: shakespear, and no corpus is named shakespear; the corpora: moby-dick, tinyshakespeare',
      ),
    );
  });
});
