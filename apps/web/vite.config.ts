import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { writeFileSync, mkdirSync } from "node:fs";
import { relative, resolve } from "node:path";

const repoRoot = resolve(import.meta.dirname, "../..");
/** The API server `pnpm dev` proxies to (the one `pnpm start` runs). */
const apiTarget = process.env.CADENCE_API_URL ?? "http://127.0.0.1:3000";

/**
 * Writes dist/.vite/modules.json: every module the bundle holds, relative to the repository root, so a test can
 * prove that no server code (packages/api, packages/db, apps/server) reached the browser.
 */
function moduleList(): Plugin {
  let outDir = "dist";
  return {
    name: "cadence-module-list",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    generateBundle(_options, bundle) {
      const modules = new Set<string>();
      for (const output of Object.values(bundle)) {
        if (output.type === "chunk") for (const id of output.moduleIds) modules.add(relative(repoRoot, id.replace(/^\0/, "")));
      }
      mkdirSync(resolve(outDir, ".vite"), { recursive: true });
      writeFileSync(resolve(outDir, ".vite", "modules.json"), `${JSON.stringify([...modules].sort(), null, 1)}\n`);
    },
  };
}

export default defineConfig({
  plugins: [react(), moduleList()],
  // Workspace packages export their TypeScript sources under this condition: hot reload reaches into them.
  resolve: { conditions: ["@cadence/source"] },
  build: { target: "es2022", manifest: true, sourcemap: true },
  server: {
    proxy: {
      "/trpc": { target: apiTarget, changeOrigin: false },
      "/api": { target: apiTarget, changeOrigin: false },
    },
  },
});
