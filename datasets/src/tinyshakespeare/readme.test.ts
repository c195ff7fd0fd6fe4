// Runs this dataset README's example (offline, from a copy on disk) and checks it prints what the README shows.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runReadmeExample } from '@tinygpt/scripts/readme-example';

// The example must not download: it runs only where TINYSHAKESPEARE_PATH names a copy, or where the
// project's machines keep one: ../shared/datasets/tinyshakespeare.txt from the repository root.
const CI_COPY = fileURLToPath(new URL('../../../../shared/datasets/tinyshakespeare.txt', import.meta.url));
const copy = process.env.TINYSHAKESPEARE_PATH ?? (existsSync(CI_COPY) ? CI_COPY : undefined);
const skipped = ' (skipped: set TINYSHAKESPEARE_PATH, or keep a copy in ../shared/datasets/ beside the repository)';

it.skipIf(copy === undefined)(
  `README example prints what the README shows${copy === undefined ? skipped : ''}`,
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
