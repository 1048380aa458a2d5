import { defineConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.js";

/** `pnpm test:faults`: tests that break the database on purpose, each on a PostgreSQL cluster of its own. */
export default defineConfig({
  ...sharedConfig,
  test: { ...sharedConfig.test, globalSetup: ["./test/support/bundle-setup.ts"], include: ["test/faults/**/*.test.ts"], fileParallelism: false },
});
