import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../../../../scripts/pg-cluster.sh", import.meta.url));

/** A PostgreSQL cluster of the test's own, which it may stop and start at will (never the suite's one). */
export interface PgCluster {
  url: string;
  start(): Promise<void>;
  /** `pg_ctl stop -m <mode>`; `immediate` is a crash as far as clients can tell. */
  stop(mode?: "immediate" | "fast"): Promise<void>;
  /** Stops the cluster and removes its directory. */
  dispose(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Initialises and starts a throw-away cluster through scripts/pg-cluster.sh (the one with-postgres.sh uses), with
 * synchronous_commit on: every acknowledged commit must survive the cluster being killed.
 */
export async function createPgCluster(): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), "cadence-fault-pg-"));
  const port = await freePort();
  const cluster = (...args: string[]) => run("bash", [script, ...args], { maxBuffer: 1 << 20 }).then(() => undefined);
  try {
    await cluster("init", dir);
    await cluster("start", dir, String(port), "durable");
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => cluster("start", dir, String(port), "durable"),
    stop: (mode = "immediate") => cluster("stop", dir, mode),
    dispose: async () => {
      await cluster("stop", dir, "immediate");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
