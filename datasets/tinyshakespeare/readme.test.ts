// Runs this dataset README's example (offline, from a copy on disk) and checks it prints what the README shows.
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runReadmeExample } from '../../scripts/readme-example.js';

// The example must not download: it runs only where a copy is named or on the project's machines.
const SHARED = '/work/shared/datasets/tinyshakespeare.txt';
const copy = process.env.TINYSHAKESPEARE_PATH ?? (existsSync(SHARED) ? SHARED : undefined);

it.skipIf(copy === undefined)('README example prints what the README shows', () => {
  const before = process.env.TINYSHAKESPEARE_PATH;
  process.env.TINYSHAKESPEARE_PATH = copy; // the child process inherits it
  try {
    const { expected, actual } = runReadmeExample(new URL('.', import.meta.url));
    expect(actual).toBe(expected);
  } finally {
    if (before === undefined) delete process.env.TINYSHAKESPEARE_PATH;
    else process.env.TINYSHAKESPEARE_PATH = before;
  }
}, 30_000);
