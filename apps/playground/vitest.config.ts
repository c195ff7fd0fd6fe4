// The browser tests drive a copy of the page built once (global setup) in Chromium; they resolve the workspace sources.
import { defineConfig } from 'vitest/config';

const conditions = ['@tinygpt/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
