import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { HttpRequest, LoadResult, LoadSettings } from "./load.js";
import { pinned } from "./machine.js";
import { workDir } from "./processes.js";

/** A Lua long string that cannot be closed early by its content. */
function luaString(value: string): string {
  let level = "";
  while (value.includes(`]${level}]`)) level += "=";
  return `[${level}[${value}]${level}]`;
}

// wrk's `done` hook prints one JSON line: totals, socket errors and latency percentiles (microseconds).
const DONE = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%.0f,"durationUs":%.0f,"status":%.0f,"socket":%.0f,"p50Us":%.0f,"p99Us":%.0f}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
`;

let scripts = 0;

function script(request: HttpRequest): string {
  const lines = [`wrk.method = ${luaString(request.method)}`];
  if (request.body !== undefined) lines.push(`wrk.body = ${luaString(request.body)}`);
  for (const [name, value] of Object.entries(request.headers)) lines.push(`wrk.headers[ ${luaString(name)} ] = ${luaString(value)}`);
  const path = join(workDir, `wrk-${++scripts}.lua`);
  writeFileSync(path, lines.join("\n") + DONE);
  return path;
}

interface WrkSummary {
  requests: number;
  durationUs: number;
  status: number;
  socket: number;
  p50Us: number;
  p99Us: number;
}

export async function runWrk(request: HttpRequest, settings: LoadSettings): Promise<LoadResult> {
  const args = ["-t1", `-c${settings.connections}`, `-d${settings.seconds}s`, "--timeout", "10s", "-s", script(request), request.url];
  const [command, argv] = pinned(settings.core, "wrk", args);
  const { stdout } = await promisify(execFile)(command, argv, { encoding: "utf8" });
  const line = stdout.split("\n").findLast((text) => text.startsWith("{"));
  if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
  const summary = JSON.parse(line) as WrkSummary;
  return {
    requests: summary.requests,
    seconds: summary.durationUs / 1e6,
    p50Ms: summary.p50Us / 1000,
    p99Ms: summary.p99Us / 1000,
    non2xx: summary.status,
    socketErrors: summary.socket,
  };
}
