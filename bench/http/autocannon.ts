import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import type { HttpRequest, LoadResult, LoadSettings } from "./load.js";
import { pinned } from "./machine.js";

const require = createRequire(import.meta.url);
const cli = require.resolve("autocannon");

export function autocannonVersion(): string {
  const manifest = JSON.parse(readFileSync(require.resolve("autocannon/package.json"), "utf8")) as { version: string };
  return manifest.version;
}

interface AutocannonJson {
  duration: number;
  requests: { total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

/** Runs autocannon's CLI in its own process (pinned like wrk would be) and reads its JSON report. */
export async function runAutocannon(request: HttpRequest, settings: LoadSettings): Promise<LoadResult> {
  const args = [cli, "-c", String(settings.connections), "-d", String(settings.seconds), "-t", "10", "-j", "-n", "-m", request.method];
  for (const [name, value] of Object.entries(request.headers)) args.push("-H", `${name}=${value}`);
  if (request.body !== undefined) args.push("-b", request.body);
  args.push(request.url);
  const [command, argv] = pinned(settings.core, process.execPath, args);
  const { stdout } = await promisify(execFile)(command, argv, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  const report = JSON.parse(stdout) as AutocannonJson;
  return {
    requests: report.requests.total,
    seconds: report.duration,
    p50Ms: report.latency.p50,
    p99Ms: report.latency.p99,
    non2xx: report.non2xx,
    socketErrors: report.errors, // autocannon counts timeouts among its errors
  };
}
