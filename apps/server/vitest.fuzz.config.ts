import { defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.js";

/** `pnpm test:fuzz`: only the schema-driven fuzz, which takes minutes rather than seconds per operation batch. */
const config = mergeConfig(sharedConfig, defineConfig({ test: { globalSetup: ["./test/support/global-setup.ts"], testTimeout: 600_000, maxConcurrency: 4 } }));
// mergeConfig concatenates arrays; the fuzz replaces the shared include instead of adding to it.
config.test = { ...config.test, include: ["test/fuzz/**/*.test.ts"] };
export default config;
