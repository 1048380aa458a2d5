import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEphemeralServer, type EphemeralServer } from "@cadence/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverUrl } from "../src/config.js";
import { bundleCli, cliDir, runProcess, type Result } from "./support/cadence.js";

const repoRoot = join(cliDir, "../..");
let server: EphemeralServer;
let port: string;
let home: string;
let binary: string;

beforeAll(async () => {
  server = await startEphemeralServer({ SEED_DEMO: "true" });
  port = new URL(server.url).port;
  home = mkdtempSync(join(tmpdir(), "cadence-first-run-"));
  binary = await bundleCli(home);
});

afterAll(async () => {
  await server?.stop();
  rmSync(home, { recursive: true, force: true });
});

/** The bundled CLI with its own config home and no CADENCE_URL: it has to find the server by itself. */
function cadence(args: string[], env: Record<string, string>, stdin?: string): Promise<Result> {
  return runProcess(process.execPath, [binary, ...args], { cwd: home, env: { XDG_CONFIG_HOME: join(home, "config"), ...env }, ...(stdin === undefined ? {} : { stdin }) });
}

describe("the server URL", () => {
  it("takes the URL from --url, then CADENCE_URL, then the one stored at login, then PORT (and HOST), else port 3000", () => {
    const stored = { url: "http://stored:1" };
    expect(serverUrl({ CADENCE_URL: "http://env:2", PORT: "4000" }, stored, "http://flag:3")).toBe("http://flag:3");
    expect(serverUrl({ CADENCE_URL: "http://env:2", PORT: "4000" }, stored)).toBe("http://env:2");
    expect(serverUrl({ PORT: "4000" }, stored)).toBe("http://stored:1");
    expect(serverUrl({ PORT: "4000" }, {})).toBe("http://127.0.0.1:4000");
    expect(serverUrl({ PORT: "4000", HOST: "0.0.0.0" }, {})).toBe("http://127.0.0.1:4000");
    expect(serverUrl({ PORT: "4000", HOST: "::1" }, {})).toBe("http://[::1]:4000");
    expect(serverUrl({ HOST: "10.0.0.5" }, {})).toBe("http://10.0.0.5:3000");
    expect(serverUrl({ PORT: "0" }, {})).toBe("http://127.0.0.1:3000");
    expect(serverUrl({ PORT: "not-a-port", CADENCE_URL: "" }, {})).toBe("http://127.0.0.1:3000");
  });

  it("finds a server on a non-default PORT without --url or CADENCE_URL", async () => {
    const result = await cadence(["login", "--username", "demo"], { PORT: port }, "cadence-demo\n");
    expect(result).toMatchObject({ code: 0, stdout: `Logged in to http://127.0.0.1:${port} as demo\n` });
  });

  it("names the URL it tried when nothing answers there", async () => {
    const result = await cadence(["login", "--username", "demo"], { XDG_CONFIG_HOME: join(home, "unreachable"), PORT: "1" }, "x\n");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach the server at http:\/\/127\.0\.0\.1:1 /);
  });
});

describe("counts", () => {
  it("says 1 project and 1 task in the singular, other counts in the plural", async () => {
    const username = `counts${Date.now()}`;
    const register = await fetch(`${server.url}/api/v1/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, email: `${username}@example.com`, password: "correct-horse-battery" }),
    });
    expect(register.status).toBe(201);
    const env = { XDG_CONFIG_HOME: join(home, "counts"), CADENCE_URL: server.url };
    expect((await cadence(["login", "--username", username], env, "correct-horse-battery\n")).code).toBe(0);
    expect((await cadence(["projects", "list"], env)).stdout).toMatch(/ · 0 projects\n$/);
    expect((await cadence(["projects", "create", "Only"], env)).code).toBe(0);
    expect((await cadence(["projects", "list"], env)).stdout).toMatch(/ · 1 project\n$/);
    const projectId = (JSON.parse((await cadence(["projects", "list", "--json"], env)).stdout) as { items: { id: string }[] }).items[0]?.id ?? "";
    expect((await cadence(["tasks", "list", "--project", projectId], env)).stdout).toMatch(/ · 0 tasks\n$/);
    expect((await cadence(["tasks", "add", "--project", projectId, "First"], env)).code).toBe(0);
    expect((await cadence(["tasks", "list", "--project", projectId], env)).stdout).toMatch(/ · 1 task\n$/);
    expect((await cadence(["tasks", "add", "--project", projectId, "Second"], env)).code).toBe(0);
    expect((await cadence(["tasks", "list", "--project", projectId, "--assignee", "me"], env)).stdout).toMatch(/ · 0 tasks\n$/);
    expect((await cadence(["tasks", "list", "--project", projectId], env)).stdout).toMatch(/ · 2 tasks\n$/);
  });
});

describe("getting the command", () => {
  it("runs as `pnpm -s cadence` from the repository root", async () => {
    const result = await runProcess("pnpm", ["-s", "cadence", "--help"], { cwd: repoRoot, env: { HOME: home } });
    expect(result.stderr).toBe("");
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^cadence: the Cadence command line/) });
  });

  it("runs through the package's bin from any directory, without a build", async () => {
    const result = await runProcess(join(cliDir, "bin/cadence.js"), ["whoami"], { cwd: home, env: { XDG_CONFIG_HOME: join(home, "nobody") } });
    expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining("Not logged in") });
  });
});
