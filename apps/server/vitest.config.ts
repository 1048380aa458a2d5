import { configDefaults, defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.js";

// The schema-driven fuzz (test/fuzz) is its own command, `pnpm test:fuzz`, so `pnpm test` stays fast.
export default mergeConfig(
  sharedConfig,
  defineConfig({ test: { globalSetup: ["./test/support/global-setup.ts"], exclude: [...configDefaults.exclude, "test/fuzz/**"] } }),
);
