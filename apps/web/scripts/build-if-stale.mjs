#!/usr/bin/env node
// Builds the web app (vite build) when dist/ is missing or older than anything it is built from: `pnpm start` runs
// this first, so a fresh clone's `pnpm install && pnpm start` serves the board, and an up-to-date build costs a few
// file stats. The browser tests run it too.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const appDir = join(import.meta.dirname, "..");
const repoRoot = join(appDir, "..", "..");
// The app's sources and config, and the client package compiled into the bundle.
const inputs = [
  join(appDir, "src"),
  join(appDir, "public"),
  join(appDir, "index.html"),
  join(appDir, "vite.config.ts"),
  join(appDir, "package.json"),
  join(repoRoot, "packages", "client", "src"),
  join(repoRoot, "pnpm-lock.yaml"),
];
const built = join(appDir, "dist", ".vite", "modules.json");

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function isStale() {
  return !existsSync(built) || Math.max(...inputs.map(newest)) > statSync(built).mtimeMs;
}

if (isStale()) {
  console.log("building the web app (apps/web/dist)…");
  const vite = join(dirname(createRequire(join(appDir, "package.json")).resolve("vite/package.json")), "bin", "vite.js");
  // A production build whoever calls: under a test runner NODE_ENV=test would make Vite bundle React's development build.
  const env = { ...process.env, NODE_ENV: "production" };
  const result = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], { cwd: appDir, stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
