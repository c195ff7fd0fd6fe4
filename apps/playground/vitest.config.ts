// The browser tests drive a built copy of the page in Chromium; they need no bundler conditions themselves beyond the workspace sources.
import { defineConfig } from 'vitest/config';

const conditions = ['@tinygpt/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: { include: ['test/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 180_000, fileParallelism: false },
});
