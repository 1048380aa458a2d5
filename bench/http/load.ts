import { spawnSync } from "node:child_process";
import { runAutocannon, autocannonVersion } from "./autocannon.js";
import { runWrk } from "./wrk.js";

export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadSettings {
  connections: number;
  seconds: number;
  /** Core the load generator is pinned to, if any. */
  core: number | undefined;
}

/** What one run of load measured, in the same units whichever generator ran it. */
export interface LoadResult {
  requests: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses with a status outside 2xx (wrk: outside 2xx/3xx; none of the rows answers 3xx). */
  non2xx: number;
  /** Connect, read and write errors and timeouts. */
  socketErrors: number;
}

export interface LoadGenerator {
  name: string;
  run(request: HttpRequest, settings: LoadSettings): Promise<LoadResult>;
}

/** wrk when installed (one thread: it outruns any Node server on one core), else autocannon from npm. */
export function loadGenerator(choice: "wrk" | "autocannon" | undefined): LoadGenerator {
  if (choice !== "autocannon") {
    const wrk = spawnSync("wrk", ["--version"], { encoding: "utf8" });
    if (!wrk.error) {
      const version = /wrk (\S+)/.exec(`${wrk.stdout}${wrk.stderr}`)?.[1] ?? "";
      return { name: `wrk ${version} (-t1)`, run: runWrk };
    }
    if (choice === "wrk") throw new Error("--load wrk: wrk is not installed (Debian: apt-get install wrk)");
  }
  return { name: `autocannon ${autocannonVersion()} (latency in whole milliseconds)`, run: runAutocannon };
}
