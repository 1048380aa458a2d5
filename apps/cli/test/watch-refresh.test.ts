import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEphemeralServer, type EphemeralServer } from "@cadence/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleCli, cliDir, runProcess, type Result } from "./support/cadence.js";

// Access tokens live 3 s here, so the watchers' streams end (401) and must refresh within the test.
let server: EphemeralServer;
let home: string;
let binary: string;

beforeAll(async () => {
  server = await startEphemeralServer({ SEED_DEMO: "true", ACCESS_TOKEN_TTL: "3" });
  home = mkdtempSync(join(tmpdir(), "cadence-watch-refresh-"));
  binary = await bundleCli(home);
});

afterAll(async () => {
  await server?.stop();
  rmSync(home, { recursive: true, force: true });
});

const env = () => ({ PATH: process.env.PATH ?? "", XDG_CONFIG_HOME: home, CADENCE_URL: server.url });

function cadence(args: string[], stdin?: string): Promise<Result> {
  return runProcess(process.execPath, [binary, ...args], { cwd: cliDir, env: env(), ...(stdin === undefined ? {} : { stdin }) });
}

/** A running `cadence tasks watch --json`: resolves `until` once its stdout or stderr satisfies a test, or it exits. */
function watch(projectId: string) {
  const child = spawn(process.execPath, [binary, "tasks", "watch", "--project", projectId, "--json"], { cwd: cliDir, env: env() });
  const output = { stdout: "", stderr: "", exited: false };
  let waiter: { test: () => boolean; resolve: () => void } | undefined;
  const check = () => {
    if (waiter && (output.exited || waiter.test())) {
      waiter.resolve();
      waiter = undefined;
    }
  };
  child.stdout.on("data", (chunk: Buffer) => ((output.stdout += chunk.toString()), check()));
  child.stderr.on("data", (chunk: Buffer) => ((output.stderr += chunk.toString()), check()));
  child.on("close", () => ((output.exited = true), check()));
  return {
    output,
    until: (test: () => boolean) =>
      new Promise<void>((resolve) => {
        waiter = { test, resolve };
        check();
      }),
    stop: () => child.kill("SIGTERM"),
  };
}

const starts = (stderr: string) => stderr.split("\n").filter((line) => line.startsWith("watching project")).length;

describe("cadence tasks watch with a short-lived access token", () => {
  it("keeps two watchers of one login watching across the token's expiries, and the login stays valid", async () => {
    expect((await cadence(["login", "--username", "demo"], "cadence-demo\n")).code).toBe(0);
    const project = JSON.parse((await cadence(["projects", "create", "Watched twice", "--json"])).stdout) as { id: string };
    const watchers = [watch(project.id), watch(project.id)];
    // Each watcher's stream ends when the token expires and starts again once the watcher holds a fresh token:
    // two expiries, each refreshed by both watchers at about the same moment.
    await Promise.all(watchers.map((watcher) => watcher.until(() => starts(watcher.output.stderr) >= 3)));
    const added = await cadence(["tasks", "add", "--project", project.id, "After expiry", "--json"]);
    expect(added.stderr).toBe("");
    const task = JSON.parse(added.stdout) as { id: string };
    await Promise.all(watchers.map((watcher) => watcher.until(() => watcher.output.stdout.includes(task.id))));
    for (const watcher of watchers) {
      expect(watcher.output.stderr).not.toContain("error");
      expect(watcher.output.exited).toBe(false);
      expect(watcher.output.stdout).toContain(task.id);
      watcher.stop();
    }
    expect((await cadence(["whoami"])).code).toBe(0);
  });
});
