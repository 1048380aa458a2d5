#!/usr/bin/env node
// The `cadence` command. In the repository it runs the sources through tsx, so it needs no build and is never
// stale; installed without them (a packed CLI), it runs the compiled dist/main.js.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { URL, fileURLToPath, pathToFileURL } from "node:url";

const source = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const args = process.argv.slice(2);

if (existsSync(source)) {
  // Resolved from this package, not from the caller's directory: `cadence` works from anywhere.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const child = spawnSync(process.execPath, ["--conditions=@cadence/source", `--import=${tsx}`, source, ...args], { stdio: "inherit" });
  if (child.error) throw child.error;
  process.exitCode = child.status ?? 1;
} else {
  await import("../dist/main.js");
}
