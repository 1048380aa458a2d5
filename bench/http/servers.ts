import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { serverMain } from "./build.js";
import type { Placement } from "./machine.js";
import { freePort, startServer, workDir, type ServerProcess } from "./processes.js";

export type ServerKey = "raw" | "twin" | "cadence" | "cadenceQuiet" | "cadencePgLimits" | "cadencePglite";

/** Every rate limit, raised so no request is refused; the limiters still count every request. */
export const RAISED_LIMIT = "1000000000/1m";

export interface ServerSetup {
  placement: Placement;
  /** Node binary of the servers. */
  node: string;
  databaseUrl: string;
  jwtSecret: string;
}

export function newJwtSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** A minimal environment, so nothing of the caller's (a DATABASE_URL, a NODE_OPTIONS) leaks into a server. */
function baseEnv(port: number): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR, LANG } = process.env;
  return { PATH, HOME, TMPDIR, LANG, PORT: String(port) };
}

/** Compiles the raw and twin servers to plain JS, so they run on bare node (tsx would add its loader and ~50 MB). */
async function compile(): Promise<string> {
  const outdir = join(import.meta.dirname, "../node_modules/.cache/bench-http");
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join(import.meta.dirname, "raw-server.ts"), join(import.meta.dirname, "twin-server.ts")],
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
  return outdir;
}
let compiling: Promise<string> | undefined;
const compiled = () => (compiling ??= compile());

function cadenceEnv(setup: ServerSetup, port: number): NodeJS.ProcessEnv {
  return {
    ...baseEnv(port),
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    JWT_SECRET: setup.jwtSecret,
    ACCESS_TOKEN_TTL: "12h",
    RATE_LIMIT_REQUESTS: RAISED_LIMIT,
    RATE_LIMIT_LOGIN: RAISED_LIMIT,
    RATE_LIMIT_REGISTER: RAISED_LIMIT,
    RATE_LIMIT_REFRESH: RAISED_LIMIT,
  };
}

/** Starts one server under test, pinned to the server core. */
export async function launch(key: ServerKey, setup: ServerSetup): Promise<ServerProcess> {
  const port = await freePort();
  const core = setup.placement.serverCore;
  const common = { name: key, core, command: setup.node, port };
  switch (key) {
    case "raw":
      return startServer({ ...common, args: [join(await compiled(), "raw-server.mjs")], env: baseEnv(port), readyPath: "/" });
    case "twin":
      return startServer({
        ...common,
        args: [join(await compiled(), "twin-server.mjs")],
        env: { ...baseEnv(port), NODE_ENV: "production", DATABASE_URL: setup.databaseUrl, JWT_SECRET: setup.jwtSecret },
        readyPath: "/health",
      });
    case "cadence":
      return startServer({ ...common, args: [serverMain], env: { ...cadenceEnv(setup, port), DATABASE_URL: setup.databaseUrl }, readyPath: "/api/v1/ready" });
    case "cadenceQuiet":
      // The hot path without its observability: no access lines (warn and above only) and no metrics.
      return startServer({
        ...common,
        args: [serverMain],
        env: { ...cadenceEnv(setup, port), DATABASE_URL: setup.databaseUrl, LOG_LEVEL: "warn", METRICS_ENABLED: "false" },
        readyPath: "/api/v1/ready",
      });
    case "cadencePgLimits":
      return startServer({
        ...common,
        args: [serverMain],
        env: { ...cadenceEnv(setup, port), DATABASE_URL: setup.databaseUrl, RATE_LIMIT_STORE: "postgres" },
        readyPath: "/api/v1/ready",
      });
    case "cadencePglite":
      return startServer({ ...common, args: [serverMain], env: { ...cadenceEnv(setup, port), DATA_DIR: join(workDir, "pglite") }, readyPath: "/api/v1/ready" });
  }
}
