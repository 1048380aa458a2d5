import { describe, expect, it } from "vitest";
import { useCliSession } from "./support/cli-session.js";

const { cadence, spawnCadence } = useCliSession("watch");

/** A running `cadence tasks watch`, with a wait for the first stdout line matching a pattern. */
function watch(args: string[]) {
  const child = spawnCadence(["tasks", "watch", ...args]);
  let stdout = "";
  let stderr = "";
  const waiters: { pattern: RegExp; stream: "stdout" | "stderr"; resolve: (line: string) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const text = waiter.stream === "stdout" ? stdout : stderr;
      const line = text.split("\n").find((candidate) => waiter.pattern.test(candidate));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  child.stdout.on("data", (chunk: Buffer) => ((stdout += chunk.toString()), check()));
  child.stderr.on("data", (chunk: Buffer) => ((stderr += chunk.toString()), check()));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  return {
    line: (pattern: RegExp, stream: "stdout" | "stderr" = "stdout") =>
      new Promise<string>((resolve) => {
        waiters.push({ pattern, stream, resolve });
        check();
      }),
    exited,
    stop: () => child.kill("SIGTERM"),
  };
}

describe("cadence tasks watch", () => {
  it("prints a readable line per change as it happens, and one JSON event per line with --json", async () => {
    expect((await cadence(["login", "--username", "demo"], "cadence-demo\n")).code).toBe(0);
    const project = JSON.parse((await cadence(["projects", "create", "Watched", "--json"])).stdout) as { id: string };
    const human = watch(["--project", project.id]);
    const raw = watch(["--project", project.id, "--json"]);
    await Promise.all([human.line(/^watching project/, "stderr"), raw.line(/^watching project/, "stderr")]);
    const task = JSON.parse((await cadence(["tasks", "add", "--project", project.id, "Ship it", "--json"])).stdout) as { id: string };
    const line = await human.line(/task\.create/);
    expect(line).toContain(`task ${task.id}`);
    expect(line).toContain('title: null -> "Ship it"');
    const event = JSON.parse(await raw.line(/^\{/)) as Record<string, unknown>;
    expect(event).toMatchObject({ action: "task.create", entityType: "task", entityId: task.id });
    human.stop();
    raw.stop();
    await Promise.all([human.exited, raw.exited]);
  });

  it("exits 1 with the server's message for a project the user cannot see", async () => {
    const result = await cadence(["tasks", "watch", "--project", "00000000-0000-4000-8000-000000000000"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Project not found");
  });
});
