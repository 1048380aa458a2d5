import { availableParallelism } from "node:os";
import { configDefaults, defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.js";

/**
 * Test files share one module graph per worker (`isolate: false`): loading tRPC, zod, drizzle and PGlite's WASM
 * once instead of once per file halves the suite's CPU time. Each file still gets its own server and database
 * (test/support/server.ts), so a test file must not keep state in module scope or mock modules (`vi.mock`).
 * One worker per core (vitest's default leaves one core free): this suite is the longest, and once the other
 * packages' suites are done it would otherwise leave a core idle.
 * Fault tests stop and start a PostgreSQL cluster of their own (`pnpm test:faults`), and the schema-driven fuzz is
 * its own command (`pnpm test:fuzz`), so `pnpm test` stays fast.
 */
export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      globalSetup: ["./test/support/global-setup.ts", "./test/support/bundle-setup.ts"],
      isolate: false,
      maxWorkers: availableParallelism(),
      exclude: [...configDefaults.exclude, "test/faults/**", "test/fuzz/**"],
    },
  }),
);
