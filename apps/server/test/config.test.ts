import { describe, expect, it } from "vitest";
import { ConfigError, loadEnv } from "../src/config/env.js";
import { spawnServer } from "./support/process.js";

describe("configuration", () => {
  it("applies documented defaults", () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ NODE_ENV: "development", HOST: "127.0.0.1", PORT: 3000, READY_TIMEOUT_MS: 2000 });
    expect(env).toMatchObject({ HEADERS_TIMEOUT_MS: 10_000, REQUEST_TIMEOUT_MS: 30_000, KEEP_ALIVE_TIMEOUT_MS: 5_000, MAX_CONNECTIONS: 1_000 });
    expect(env.DATA_DIR).toMatch(/\.data$/);
    expect(env.WEB_DIR).toMatch(/apps\/web\/dist$/);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.HEAP_GROWTH_PERCENT).toBe(30);
  });

  it("treats an empty variable as unset", () => {
    const env = loadEnv({ PORT: "", DATABASE_URL: "" });
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it.each([
    ["PORT", { PORT: "not-a-port" }],
    ["PORT", { PORT: "70000" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://localhost/cadence" }],
    ["NODE_ENV", { NODE_ENV: "staging" }],
    ["READY_TIMEOUT_MS", { READY_TIMEOUT_MS: "-5" }],
    ["HEADERS_TIMEOUT_MS", { HEADERS_TIMEOUT_MS: "0" }],
    ["HEADERS_TIMEOUT_MS", { HEADERS_TIMEOUT_MS: "40000", REQUEST_TIMEOUT_MS: "30000" }],
    ["MAX_CONNECTIONS", { MAX_CONNECTIONS: "lots" }],
    ["HEAP_GROWTH_PERCENT", { HEAP_GROWTH_PERCENT: "-1" }],
    ["HEAP_GROWTH_PERCENT", { HEAP_GROWTH_PERCENT: "2.5" }],
  ])("rejects a bad %s with a message naming it", (name, source) => {
    expect(() => loadEnv(source)).toThrow(ConfigError);
    expect(() => loadEnv(source)).toThrow(new RegExp(`^Invalid configuration:\\n  ${name}: `));
  });

  it("names every bad variable at once", () => {
    expect(() => loadEnv({ PORT: "x", DATABASE_URL: "redis://x" })).toThrow(
      /PORT: .*\n {2}DATABASE_URL: /s,
    );
  });

  it("names a bad PORT and a short JWT_SECRET together", () => {
    expect(() => loadEnv({ PORT: "abc", JWT_SECRET: "short" })).toThrow(
      /^Invalid configuration:\n {2}PORT: .*\n {2}JWT_SECRET: must be at least 32 bytes$/s,
    );
  });

  it("reports cross-variable rules alongside a bad variable elsewhere", () => {
    const source = { NODE_ENV: "production", PORT: "abc", HEADERS_TIMEOUT_MS: "40000", REQUEST_TIMEOUT_MS: "30000", SEED_DEMO: "true" };
    const message = (() => {
      try {
        loadEnv(source);
      } catch (error) {
        return error instanceof ConfigError ? error.message : "";
      }
      return "";
    })();
    for (const name of ["PORT", "JWT_SECRET", "SEED_DEMO", "HEADERS_TIMEOUT_MS"]) expect(message).toMatch(new RegExp(`\n {2}${name}: `));
  });

  it("skips a cross-variable rule whose variables are themselves invalid", () => {
    expect(() => loadEnv({ HEADERS_TIMEOUT_MS: "abc", REQUEST_TIMEOUT_MS: "30000" })).toThrow(
      /^Invalid configuration:\n {2}HEADERS_TIMEOUT_MS: [^\n]*$/,
    );
  });

  it("refuses the cheap test password-hash cost in production and development, allows it under NODE_ENV=test", () => {
    const production = { NODE_ENV: "production", JWT_SECRET: "a-production-secret-of-at-least-32-bytes", PASSWORD_HASH_COST: "test" };
    expect(() => loadEnv(production)).toThrow(/^Invalid configuration:\n {2}PASSWORD_HASH_COST: .*NODE_ENV=test/);
    expect(() => loadEnv({ PASSWORD_HASH_COST: "test" })).toThrow(/PASSWORD_HASH_COST: /);
    expect(loadEnv({ ...production, PASSWORD_HASH_COST: "" }).PASSWORD_HASH_COST).toBe("standard");
    expect(loadEnv({ NODE_ENV: "test", PASSWORD_HASH_COST: "test" }).PASSWORD_HASH_COST).toBe("test");
  });

  it("makes the server process exit 1 with the variable's name and no stack trace", async () => {
    const server = spawnServer({ PORT: "not-a-port", DATABASE_URL: "memory://" });
    const { code } = await server.exited;
    expect(code).toBe(1);
    expect(server.output()).toContain("Invalid configuration:");
    expect(server.output()).toMatch(/PORT: /);
    expect(server.output()).not.toMatch(/\n\s+at /);
  });

  it("makes the server process name every bad variable on stderr before exiting non-zero", async () => {
    const server = spawnServer({ PORT: "abc", JWT_SECRET: "short", DATABASE_URL: "memory://" });
    const { code } = await server.exited;
    expect(code).not.toBe(0);
    expect(server.errorOutput()).toMatch(/PORT: /);
    expect(server.errorOutput()).toMatch(/JWT_SECRET: must be at least 32 bytes/);
  });
});
