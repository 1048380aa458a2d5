import { describe, expect, it } from "vitest";
import { ConfigError, loadEnv } from "../src/config/env.js";
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "../src/http/json-depth.js";

describe("the JSON depth scan", () => {
  const nested = (depth: number) => `${"[{\"a\":".repeat(depth / 2)}1${"}]".repeat(depth / 2)}`;

  it("allows exactly the documented depth and refuses one more", () => {
    expect(exceedsJsonDepth("[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsJsonDepth("[".repeat(MAX_JSON_DEPTH + 1) + "]".repeat(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(exceedsJsonDepth(nested(64))).toBe(false);
    expect(exceedsJsonDepth(nested(66))).toBe(true);
  });

  it("counts depth, not the number of brackets", () => {
    expect(exceedsJsonDepth(JSON.stringify(Array.from({ length: 10_000 }, () => [{ a: [1] }])))).toBe(false);
  });

  it("ignores brackets inside strings, escaped quotes included", () => {
    expect(exceedsJsonDepth(JSON.stringify({ text: "[".repeat(1000) }))).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify({ text: `\\"${"{".repeat(1000)}` }))).toBe(false);
    expect(exceedsJsonDepth(`["\\\\", ${"[".repeat(70)}`)).toBe(true);
  });
});

describe("BODY_LIMIT", () => {
  it("defaults to 1 MiB", () => {
    expect(loadEnv({}).BODY_LIMIT).toBe(1024 * 1024);
  });

  it.each([
    ["65536", 65_536],
    ["512kb", 512 * 1024],
    ["1mb", 1024 * 1024],
    ["2MB", 2 * 1024 * 1024],
    ["100b", 100],
  ])("reads %s as %i bytes", (value, bytes) => {
    expect(loadEnv({ BODY_LIMIT: value }).BODY_LIMIT).toBe(bytes);
  });

  it.each(["0", "-1", "1.5mb", "lots", "1tb"])("refuses %s", (value) => {
    expect(() => loadEnv({ BODY_LIMIT: value })).toThrow(ConfigError);
    expect(() => loadEnv({ BODY_LIMIT: value })).toThrow(/BODY_LIMIT: /);
  });
});
