// The vitest settings every workspace package shares: each package's vitest.config.ts re-exports or extends them.

/** Tests are small, but the machines running them are shared: a hung test still fails, after two minutes. */
const shared = {
  test: { testTimeout: 120_000, hookTimeout: 120_000 },
};

export default shared;
