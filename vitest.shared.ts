import { defineConfig } from "vitest/config";

// Workspace packages export TypeScript sources under this condition; tests run the sources directly.
const conditions = ["@cadence/source", "module", "node", "development|production"];

/**
 * The settings every package's vitest.config.ts starts from. Timeouts are backstops for a hung test, not
 * performance budgets: a loaded machine (two suites at once, a CPU hog) runs everything several times slower,
 * and a test that is slow by nature (a cold PGlite start) states its own, larger timeout.
 */
export const sharedConfig = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["@cadence/source"] } },
  environments: { ssr: { resolve: { conditions } }, __vitest__: { resolve: { conditions } } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
