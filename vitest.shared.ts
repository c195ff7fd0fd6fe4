// The vitest settings every workspace package shares: each package's vitest.config.ts re-exports or extends them.

/**
 * Tests import workspace packages by name and run them from their sources: the `@tinygpt/source`
 * export condition every package declares points at src/, as `tsx --conditions=@tinygpt/source` does
 * for the apps. So one package's tests need no build of the packages it depends on, and they test the
 * sources as they are, never a stale dist/.
 */
const conditions = ['@tinygpt/source', 'import', 'module', 'node', 'default'];

/** Tests are small, but the machines running them are shared: a hung test still fails, after two minutes. */
const shared = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: { testTimeout: 120_000, hookTimeout: 120_000 },
};

export default shared;
