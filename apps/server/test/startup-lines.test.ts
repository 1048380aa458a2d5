import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnServer, type ServerProcess } from "./support/process.js";

// A cold embedded database takes many seconds to create, far more on a loaded machine.
const COLD_START_MS = 180_000;
const LISTENING = /listening on (http:\/\/\S+)/;

const parent = mkdtempSync(join(tmpdir(), "cadence-first-run-"));
const dataDir = join(parent, "data");
const webDir = join(parent, "web");
mkdirSync(webDir);
writeFileSync(join(webDir, "index.html"), "<!doctype html><title>Cadence</title>");
const spawned: ServerProcess[] = [];

afterAll(() => {
  for (const server of spawned) if (server.child.exitCode === null) server.child.kill("SIGKILL");
  rmSync(parent, { recursive: true, force: true });
});

/** Starts `pnpm start`'s process in development on `dataDir`, waits until it listens, stops it; its log messages. */
async function runOnce(env: Record<string, string> = {}): Promise<string[]> {
  const server = spawnServer({ NODE_ENV: "development", PORT: "0", DATA_DIR: dataDir, ...env });
  spawned.push(server);
  await server.waitFor(LISTENING, COLD_START_MS);
  server.child.kill("SIGTERM");
  expect(await server.exited).toEqual({ code: 0, signal: null });
  return server
    .stdout()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => String((JSON.parse(line) as { msg: unknown }).msg));
}

describe("start-up lines of the embedded database", () => {
  it("says it is creating the database on the first run only, and gives the demo credentials only the run that seeded them", async () => {
    const first = await runOnce({ WEB_DIR: webDir });
    expect(first[0]).toBe(`creating the embedded database in ${dataDir} (first run only)…`);
    expect(first).toContain(`Cadence listening on ${first.find((msg) => LISTENING.test(msg))?.match(LISTENING)?.[1]} (database: embedded at ${dataDir})`);
    expect(first).toContain("demo account seeded: sign in as demo / cadence-demo");
    expect(first.some((msg) => /^web app http:\/\/\S+\/ \(open it in a browser\)$/.test(msg))).toBe(true);

    const second = await runOnce({ WEB_DIR: join(parent, "no-build") });
    expect(second.some((msg) => msg.startsWith("web app"))).toBe(false);
    expect(second.some((msg) => msg.startsWith("creating the embedded database"))).toBe(false);
    expect(second.some((msg) => msg.startsWith("demo account seeded"))).toBe(false);
    expect(second.some((msg) => msg.startsWith("Cadence listening on"))).toBe(true);
  }, 2 * COLD_START_MS);
});
