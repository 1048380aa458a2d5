import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMigratedPgliteDataDir } from "@cadence/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnServer, type ServerProcess } from "./support/process.js";

// Real processes on a real data directory, the way `pnpm start` runs. The directory starts migrated from the cached
// snapshot (a cold PGlite directory takes seconds to create, far more on a loaded machine); the first server is
// started once, with a generous timeout for a loaded machine.
const COLD_START_MS = 180_000;
const LISTENING = /listening on http:\/\/127\.0\.0\.1:(\d+)/;

let dataDir: string;
let first: ServerProcess;
const spawned: ServerProcess[] = [];

function start(env: Record<string, string>): ServerProcess {
  const child = spawnServer({ NODE_ENV: "development", SEED_DEMO: "false", PORT: "0", DATA_DIR: dataDir, ...env });
  spawned.push(child);
  return child;
}

/** A port some other program holds. */
function occupiedPort(): Promise<{ port: number; holder: Server }> {
  const holder = createServer();
  return new Promise((resolve) => holder.listen(0, "127.0.0.1", () => resolve({ port: (holder.address() as { port: number }).port, holder })));
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "cadence-single-"));
  await createMigratedPgliteDataDir(dataDir);
  first = start({});
  await first.waitFor(LISTENING, COLD_START_MS);
}, COLD_START_MS);

afterAll(() => {
  for (const child of spawned) if (child.child.exitCode === null) child.child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("one process per embedded database", () => {
  it("a second server on the same DATA_DIR exits 1 at once with one line naming the holder's PID", async () => {
    const second = start({});
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.output().trim()).toBe(`the embedded database in ${dataDir} is in use by PID ${first.child.pid}`);
    // The first server never noticed.
    const [, port] = first.output().match(LISTENING) ?? [];
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/ready`)).status).toBe(200);
  }, 60_000);

  it("a server whose port is taken exits 1 with one line, having closed its database and released the lock", async () => {
    first.child.kill("SIGTERM");
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, "cadence.lock"))).toBe(false);

    const { port, holder } = await occupiedPort();
    try {
      const blocked = start({ PORT: String(port) });
      expect(await blocked.exited).toEqual({ code: 1, signal: null });
      const lines = blocked.output().trim().split("\n");
      expect(lines.at(-1)).toBe(`port ${port} on 127.0.0.1 is already in use (set PORT)`);
      expect(blocked.output()).not.toMatch(/EADDRINUSE|\n\s+at /);
      expect(existsSync(join(dataDir, "cadence.lock"))).toBe(false);
    } finally {
      holder.close();
    }
  }, COLD_START_MS);
});
