import { mkdtempSync, rmSync, statSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEphemeralServer, type EphemeralServer } from "@cadence/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleCli, cliDir, runProcess, type Result } from "./support/cadence.js";

let server: EphemeralServer;
let home: string;
let binary: string;

beforeAll(async () => {
  server = await startEphemeralServer({ SEED_DEMO: "true" });
  home = mkdtempSync(join(tmpdir(), "cadence-cli-"));
  binary = await bundleCli(home);
});

afterAll(async () => {
  await server?.stop();
  rmSync(home, { recursive: true, force: true });
});

/** Runs the real `cadence` binary (bundled from source) with its own config home, pointed at the test server. */
function cadence(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Result> {
  const env = { XDG_CONFIG_HOME: home, CADENCE_URL: server.url, ...options.env };
  return runProcess(process.execPath, [binary, ...args], { cwd: cliDir, env, ...(options.stdin === undefined ? {} : { stdin: options.stdin }) });
}

const json = <T>(result: Result): T => JSON.parse(result.stdout) as T;

describe("cadence CLI against a running server", () => {
  it("logs in with the password on stdin and stores URL and tokens with mode 0600", async () => {
    const result = await cadence(["login", "--username", "demo"], { stdin: "cadence-demo\n" });
    expect(result).toMatchObject({ code: 0, stdout: `Logged in to ${server.url} as demo\n` });
    const file = join(home, "cadence", "config.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
    expect(stored.url).toBe(server.url);
    expect(stored.accessToken).toMatch(/^ey/);
    expect(stored.refreshToken).toBeTruthy();
  });

  it("refuses a wrong password with the server's message and exit code 1", async () => {
    const result = await cadence(["login", "--username", "demo"], { stdin: "wrong-password\n", env: { XDG_CONFIG_HOME: join(home, "other") } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: Invalid username or password\n");
  });

  it("whoami shows the signed-in user; --json prints the raw output", async () => {
    const human = await cadence(["whoami"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^username\s+demo$/m);
    const raw = json<{ username: string; role: string }>(await cadence(["whoami", "--json"]));
    expect(raw).toMatchObject({ username: "demo", role: "user" });
  });

  it("creates and lists projects", async () => {
    const created = await cadence(["projects", "create", "CLI", "project", "--description", "from the cli"]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Created project CLI project \([0-9a-f-]{36}\)$/m);
    const listed = await cadence(["projects", "list"]);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+DESCRIPTION$/m);
    expect(listed.stdout).toContain("CLI project");
    expect(listed.stdout).toContain("Demo project");
    const raw = json<{ items: { name: string }[]; total: number }>(await cadence(["projects", "list", "--json"]));
    expect(raw.items.map((p) => p.name)).toEqual(["CLI project", "Demo project"]);
  });

  it("adds, lists, shows, completes, assigns and removes tasks", async () => {
    const projects = json<{ items: { id: string; name: string }[] }>(await cadence(["projects", "list", "--json"]));
    const projectId = projects.items.find((p) => p.name === "CLI project")?.id ?? "";
    const added = json<{ id: string; tags: string[]; priority: string; dueDate: string }>(
      await cadence(["tasks", "add", "--project", projectId, "Write", "the", "CLI", "--due", "2026-12-24", "--priority", "high", "--tag", "cli", "--tag", "Docs", "--json"]),
    );
    expect(added).toMatchObject({ tags: ["cli", "docs"], priority: "high", dueDate: "2026-12-24" });

    const table = await cadence(["tasks", "list", "--project", projectId]);
    expect(table.stdout).toMatch(/^ID\s+TITLE\s+STATUS\s+PRIORITY\s+DUEDATE\s+ASSIGNEEID\s+TAGS$/m);
    expect(table.stdout).toMatch(/Write the CLI\s+pending\s+high\s+2026-12-24\s+-\s+cli,docs/);

    expect((await cadence(["tasks", "done", added.id])).stdout).toBe("Completed Write the CLI\n");
    expect((await cadence(["tasks", "assign", added.id, "me"])).code).toBe(0);
    const shown = json<{ status: string; assigneeId: string }>(await cadence(["tasks", "show", added.id, "--json"]));
    const me = json<{ id: string }>(await cadence(["whoami", "--json"]));
    expect(shown).toMatchObject({ status: "completed", assigneeId: me.id });
    const mine = json<{ total: number }>(await cadence(["tasks", "list", "--project", projectId, "--assignee", "me", "--status", "completed", "--json"]));
    expect(mine.total).toBe(1);
    expect(json<{ total: number }>(await cadence(["tasks", "list", "--project", projectId, "--q", "nothing-like-this", "--json"])).total).toBe(0);

    expect((await cadence(["tasks", "rm", added.id])).code).toBe(0);
    const gone = await cadence(["tasks", "show", added.id]);
    expect(gone).toMatchObject({ code: 1, stderr: "error: Task not found\n" });
  });

  it("reports validation failures with the server's issues and exit code 1", async () => {
    const projects = json<{ items: { id: string }[] }>(await cadence(["projects", "list", "--json"]));
    const result = await cadence(["tasks", "list", "--project", projects.items[0]?.id ?? "", "--status", "bogus"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Input validation failed\n {2}status: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("shows --help everywhere and exits 2 on misuse", async () => {
    for (const args of [["--help"], ["tasks", "--help"], ["tasks", "add", "--help"], ["login", "--help"]]) {
      const result = await cadence(args);
      expect(result.code, args.join(" ")).toBe(0);
      expect(result.stdout).toMatch(/Usage/);
    }
    expect((await cadence(["tasks", "add"])).code).toBe(2);
    expect((await cadence(["tasks", "list", "--nope"])).code).toBe(2);
    const unknown = await cadence(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it("refreshes an expired access token by itself and stores the new pair", async () => {
    const file = join(home, "cadence", "config.json");
    const stored = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
    const { writeFileSync } = await import("node:fs");
    writeFileSync(file, JSON.stringify({ ...stored, accessToken: "expired.invalid.token" }), { mode: 0o600 });
    const result = await cadence(["whoami", "--json"]);
    expect(result.code).toBe(0);
    const after = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
    expect(after.accessToken).not.toBe("expired.invalid.token");
    expect(after.refreshToken).not.toBe(stored.refreshToken);
  });

  it("logs out: the session ends and commands ask to log in", async () => {
    const stored = JSON.parse(readFileSync(join(home, "cadence", "config.json"), "utf8")) as Record<string, string>;
    expect((await cadence(["logout"])).stdout).toBe("Logged out\n");
    const after = await cadence(["whoami"]);
    expect(after.code).toBe(2);
    expect(after.stderr).toContain("Not logged in");
    const res = await fetch(`${server.url}/api/v1/auth/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refreshToken: stored.refreshToken }),
    });
    expect(res.status).toBe(401);
  });

  it("says so clearly when the server cannot be reached", async () => {
    const result = await cadence(["login", "--username", "demo", "--url", "http://127.0.0.1:1"], { stdin: "x\n", env: { XDG_CONFIG_HOME: join(home, "unreachable") } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach the server/);
  });
});
