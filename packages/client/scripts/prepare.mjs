#!/usr/bin/env node
// The package's `prepare` step, which `pnpm install` runs in the workspace: compiles @cadence/client and the
// packages its declarations import (@cadence/db, @cadence/api) to dist/ when dist/ is missing or older than the
// sources. An app outside the workspace resolves the package without the workspace's `@cadence/source`
// condition, so it needs dist/ (types and JavaScript); inside the workspace nothing reads it. Up to date, this
// costs a few file stats.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const packagesDir = join(import.meta.dirname, "..", "..");
// In dependency order: each one's declarations import the previous ones' dist/.
const chain = ["db", "api", "client"];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function isStale(name) {
  const dir = join(packagesDir, name);
  const built = join(dir, "dist", "index.d.ts");
  const inputs = [join(dir, "package.json"), join(dir, "tsconfig.build.json")].map((file) => statSync(file).mtimeMs);
  return !existsSync(built) || Math.max(newestSource(join(dir, "src")), ...inputs) > statSync(built).mtimeMs;
}

const first = chain.findIndex(isStale);
if (first !== -1) {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  // Everything after a stale package is rebuilt too: its declarations may have changed.
  for (const name of chain.slice(first)) {
    console.log(`building @cadence/${name} to dist/ (for apps outside the workspace)`);
    const result = spawnSync(process.execPath, [tsc, "-p", join(packagesDir, name, "tsconfig.build.json")], { stdio: "inherit" });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}
