// Tests run the workspace packages from their sources, as `pnpm mnist` does (bin/mnist.mjs: tsx, @tinygpt/source).
import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

const conditions = ['@tinygpt/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: shared.test,
});
