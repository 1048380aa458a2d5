import { configDefaults, defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.js";

// Fault tests stop and start a PostgreSQL cluster of their own (`pnpm test:faults`), and the schema-driven fuzz is
// its own command (`pnpm test:fuzz`), so `pnpm test` stays fast.
export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      globalSetup: ["./test/support/global-setup.ts"],
      exclude: [...configDefaults.exclude, "test/faults/**", "test/fuzz/**"],
    },
  }),
);
