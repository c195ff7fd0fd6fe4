// Runs this dataset README's example (offline, from a copy on disk) and checks it prints what the README shows.
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runReadmeExample } from '../../scripts/readme-example.js';

// The example must not download: it runs only where TINYSHAKESPEARE_PATH names a copy, or where the
// project's CI machines keep one (CI_COPY).
const CI_COPY = '/work/shared/datasets/tinyshakespeare.txt';
const copy = process.env.TINYSHAKESPEARE_PATH ?? (existsSync(CI_COPY) ? CI_COPY : undefined);

it.skipIf(copy === undefined)(
  'README example prints what the README shows',
  () => {
    const before = process.env.TINYSHAKESPEARE_PATH;
    process.env.TINYSHAKESPEARE_PATH = copy; // the child process inherits it
    try {
      const { expected, actual } = runReadmeExample(new URL('.', import.meta.url));
      expect(actual).toBe(expected);
    } finally {
      if (before === undefined) delete process.env.TINYSHAKESPEARE_PATH;
      else process.env.TINYSHAKESPEARE_PATH = before;
    }
  },
  30_000,
);
