import { configDefaults, defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.js";

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      globalSetup: ["./test/support/global-setup.ts"],
      // Fault tests stop and start a PostgreSQL cluster of their own: `pnpm test:faults` (vitest.faults.config.ts).
      exclude: [...configDefaults.exclude, "test/faults/**"],
    },
  }),
);
