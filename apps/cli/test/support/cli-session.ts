import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEphemeralServer, type EphemeralServer } from "@cadence/server/testing";
import { afterAll, beforeAll } from "vitest";
import { bundleCli, cliDir, runProcess, type Result } from "./cadence.js";

/**
 * For one test file: an ephemeral server with the demo account (and `serverEnv`), the CLI bundled into a throw-away
 * home whose config every command shares, and ways to run it there (to completion, or as a running process).
 */
export function useCliSession(name: string, serverEnv: Record<string, string> = {}) {
  let server: EphemeralServer | undefined;
  let home = "";
  let binary = "";
  beforeAll(async () => {
    server = await startEphemeralServer({ SEED_DEMO: "true", ...serverEnv });
    home = mkdtempSync(join(tmpdir(), `cadence-${name}-`));
    binary = await bundleCli(home);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });
  const env = () => ({ PATH: process.env.PATH ?? "", XDG_CONFIG_HOME: home, CADENCE_URL: server?.url ?? "" });
  return {
    cadence: (args: string[], stdin?: string): Promise<Result> =>
      runProcess(process.execPath, [binary, ...args], { cwd: cliDir, env: env(), ...(stdin === undefined ? {} : { stdin }) }),
    spawnCadence: (args: string[]): ChildProcessWithoutNullStreams => spawn(process.execPath, [binary, ...args], { cwd: cliDir, env: env() }),
  };
}
