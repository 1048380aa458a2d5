import { availableParallelism } from "node:os";
import { configDefaults, defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.js";

/**
 * Test files share one module graph per worker (`isolate: false`): loading tRPC, zod, drizzle and PGlite's WASM
 * once instead of once per file halves the suite's CPU time. Each file still gets its own server and database
 * (test/support/server.ts), so a test file must not keep state in module scope or mock modules (`vi.mock`).
 * One worker more than there are cores (vitest's default leaves one core free): this suite is the longest, and some
 * of its files wait (slow clients, drains, spawned processes), so a third worker on two cores fills the time they
 * leave idle (measured on 2 cores, quiet: `pnpm test --force` 63 s with two server workers, 56 s with three).
 * Fault tests stop and start a PostgreSQL cluster of their own (`pnpm test:faults`), and the schema-driven fuzz is
 * its own command (`pnpm test:fuzz`), so `pnpm test` stays fast.
 */
export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      globalSetup: ["./test/support/global-setup.ts", "./test/support/bundle-setup.ts"],
      isolate: false,
      maxWorkers: availableParallelism() + 1,
      exclude: [...configDefaults.exclude, "test/faults/**", "test/fuzz/**"],
    },
  }),
);
