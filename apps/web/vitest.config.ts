import { defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.js";

/** The browser tests drive the built app: the global setup builds it first when the build is missing or stale. */
export default mergeConfig(sharedConfig, defineConfig({ test: { globalSetup: ["./test/support/build-app.ts"] } }));
