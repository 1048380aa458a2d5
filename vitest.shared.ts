import { defineConfig } from "vitest/config";

// Workspace packages export TypeScript sources under this condition; tests run the sources directly.
const conditions = ["@cadence/source", "module", "node", "development|production"];

/** The settings every package's vitest.config.ts starts from. */
export const sharedConfig = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["@cadence/source"] } },
  environments: { ssr: { resolve: { conditions } }, __vitest__: { resolve: { conditions } } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
