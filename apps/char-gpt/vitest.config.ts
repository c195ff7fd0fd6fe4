// Tests run the workspace packages from their sources (the shared settings), as `pnpm pretrain` does.
import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default defineConfig({
  ...shared,
  test: { ...shared.test, testTimeout: 60_000, hookTimeout: 60_000 }, // stricter than the shared two minutes
});
