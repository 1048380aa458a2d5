import { describe, expect, it } from "vitest";
import { useCliSession } from "./support/cli-session.js";

// Access tokens live 3 s here, so the watchers' streams end (401) and must refresh within the test.
const { cadence, spawnCadence } = useCliSession("watch-refresh", { ACCESS_TOKEN_TTL: "3" });

/** A running `cadence tasks watch --json`: resolves `until` once its stdout or stderr satisfies a test, or it exits. */
function watch(projectId: string) {
  const child = spawnCadence(["tasks", "watch", "--project", projectId, "--json"]);
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
