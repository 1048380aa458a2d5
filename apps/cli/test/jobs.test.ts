import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEphemeralServer, type EphemeralServer } from "@cadence/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleCli, runProcess, type Result } from "./support/cadence.js";

let server: EphemeralServer;
let home: string;
let binary: string;
let projectId: string;

function cadence(args: string[], options: { stdin?: string } = {}): Promise<Result> {
  return runProcess(process.execPath, [binary, ...args], { cwd: home, env: { XDG_CONFIG_HOME: home, CADENCE_URL: server.url }, ...options });
}

beforeAll(async () => {
  server = await startEphemeralServer({ SEED_DEMO: "true" });
  home = mkdtempSync(join(tmpdir(), "cadence-cli-jobs-"));
  binary = await bundleCli(home);
  expect((await cadence(["login", "--username", "demo"], { stdin: "cadence-demo\n" })).code).toBe(0);
  const created = JSON.parse((await cadence(["projects", "create", "Jobs", "--json"])).stdout) as { id: string };
  projectId = created.id;
});

afterAll(async () => {
  await server?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe("cadence import and export", () => {
  it("imports a CSV file, printing one plain progress line per change when stderr is not a terminal", async () => {
    writeFileSync(join(home, "tasks.csv"), 'title,priority,tags\nFirst,high,a;b\n"Second, with comma",low,\n');
    const result = await cadence(["tasks", "import", "--project", projectId, "tasks.csv"]);
    expect(result).toMatchObject({ code: 0, stdout: `Imported 2 tasks into project ${projectId}\n` });
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toMatch(/^import [0-9a-f-]{36}: queued 0%$/);
    expect(lines.at(-1)).toMatch(/^import [0-9a-f-]{36}: succeeded 100%$/);
    expect(result.stderr).not.toContain("\r");
  });

  it("exports the project's tasks as CSV to --out", async () => {
    const result = await cadence(["projects", "export", projectId, "--format", "csv", "--out", "out.csv"]);
    expect(result).toMatchObject({ code: 0, stdout: `Exported project ${projectId} to out.csv\n` });
    const lines = readFileSync(join(home, "out.csv"), "utf8").trim().split("\r\n");
    expect(lines[0]).toBe("id,title,description,status,priority,dueDate,assigneeId,tags,createdBy,createdAt,updatedAt,version");
    expect(lines.slice(1).map((line) => line.split(",")[1]).sort()).toEqual(['"Second', "First"]);
  });

  it("reports every bad row and exits 1, importing nothing", async () => {
    writeFileSync(join(home, "bad.json"), JSON.stringify([{ title: "Good" }, { title: "" }, { title: "x", priority: "urgent" }]));
    const result = await cadence(["tasks", "import", "--project", projectId, "bad.json"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: import failed: 2 of the rows are invalid; nothing was imported\n  row 2: title:");
    expect(result.stderr).toContain("  row 3: priority:");
    const listed = JSON.parse((await cadence(["tasks", "list", "--project", projectId, "--json"])).stdout) as { total: number };
    expect(listed.total).toBe(2);
  });

  it("draws a progress bar in place on a terminal", async () => {
    // `script` gives the command a pseudo-terminal, as an interactive shell would.
    const command = [process.execPath, binary, "projects", "export", projectId, "--out", "all.json"].map((word) => `'${word}'`).join(" ");
    const result = await runProcess("script", ["-qec", command, "/dev/null"], { cwd: home, env: { XDG_CONFIG_HOME: home, CADENCE_URL: server.url } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\rexport \[#{30}\] 100% succeeded/);
    const exported = JSON.parse(readFileSync(join(home, "all.json"), "utf8")) as { project: { id: string }; tasks: unknown[] };
    expect(exported.project.id).toBe(projectId);
    expect(exported.tasks).toHaveLength(2);
  });

  it("refuses a missing --out and an unknown format as misuse (exit 2)", async () => {
    expect((await cadence(["projects", "export", projectId])).code).toBe(2);
    expect((await cadence(["projects", "export", projectId, "--format", "xml", "--out", "x"])).code).toBe(2);
  });
});
