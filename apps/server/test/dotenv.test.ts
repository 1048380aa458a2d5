import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/env.js";
import { withDotEnv } from "../src/config/dotenv.js";
import { spawnServer } from "./support/process.js";

const dirs: string[] = [];
function dirWithDotEnv(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "cadence-dotenv-"));
  dirs.push(dir);
  writeFileSync(join(dir, ".env"), text);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the .env file", () => {
  it("adds its variables under the environment: a variable the environment sets wins", () => {
    const dir = dirWithDotEnv("PORT=4000\nLOG_LEVEL=debug\n# a comment\nCORS_ORIGINS=\"https://app.example.com\"\n");
    const env = withDotEnv({ PORT: "5000" }, join(dir, ".env"));
    expect(env).toEqual({ PORT: "5000", LOG_LEVEL: "debug", CORS_ORIGINS: "https://app.example.com" });
  });

  it("changes nothing when there is no file", () => {
    expect(withDotEnv({ PORT: "5000" }, join(tmpdir(), "no-such-dir-cadence", ".env"))).toEqual({ PORT: "5000" });
  });

  it("is ignored by test runs, so a developer's .env never reaches a test server", () => {
    const dir = dirWithDotEnv("DATABASE_URL=postgres://me@localhost/mine\n");
    expect(withDotEnv({ NODE_ENV: "test" }, join(dir, ".env"))).toEqual({ NODE_ENV: "test" });
  });

  it("names the file when it cannot be read", () => {
    const dir = mkdtempSync(join(tmpdir(), "cadence-dotenv-"));
    dirs.push(dir);
    // A directory where the file should be fails to read for any user, root included.
    mkdirSync(join(dir, ".env"));
    expect(() => withDotEnv({}, join(dir, ".env"))).toThrow(ConfigError);
    expect(() => withDotEnv({}, join(dir, ".env"))).toThrow(/Cannot read .*\.env: /);
  });

  it("is read by the server process from its working directory", async () => {
    const dir = dirWithDotEnv("PORT=not-a-port\nJWT_SECRET=short\n");
    const server = spawnServer({ DATABASE_URL: "memory://", NODE_ENV: "development" }, { cwd: dir });
    const { code } = await server.exited;
    expect(code).toBe(1);
    expect(server.errorOutput()).toMatch(/PORT: must be a port number/);
    expect(server.errorOutput()).toMatch(/JWT_SECRET: must be at least 32 bytes/);
  });
});
