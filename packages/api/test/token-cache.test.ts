import { afterEach, describe, expect, it, vi } from "vitest";
import { createTokenCache } from "../src/auth/token-cache.js";
import { signAccessToken, verifyAccessToken } from "../src/auth/tokens.js";
import type { AuthConfig } from "../src/config.js";

const claims = { userId: "7d0b8a4e-2f7e-4c52-9d43-0b1d2c3e4f50", sessionId: "1e2d3c4b-5a69-4788-97a6-b5c4d3e2f101", role: "user" as const };

function authConfig(secret = "a-test-secret-of-at-least-32-bytes!!"): AuthConfig {
  return {
    keys: [{ kid: "k1", secret: new TextEncoder().encode(secret) }],
    issuer: "cadence-test",
    audience: "cadence-test",
    accessTokenTtlSeconds: 60,
    refreshTokenTtlSeconds: 3600,
  };
}

describe("createTokenCache", () => {
  it("answers a remembered token until the second its exp names, and not from then on", () => {
    let now = 1_000_000;
    const cache = createTokenCache(10, () => now);
    cache.set("token", claims, 1_060);
    expect(cache.get("token")).toEqual(claims);
    now = 1_059_999;
    expect(cache.get("token")).toEqual(claims);
    now = 1_060_000;
    expect(cache.get("token")).toBeUndefined();
    now = 1_000_000;
    expect(cache.get("token"), "an expired entry is dropped, not kept for a clock that goes back").toBeUndefined();
  });

  it("does not remember a token that has already expired", () => {
    const cache = createTokenCache(10, () => 2_000_000);
    cache.set("token", claims, 1_999);
    expect(cache.get("token")).toBeUndefined();
  });

  it("keeps at most its size, dropping the least recently used", () => {
    const cache = createTokenCache(2, () => 0);
    cache.set("a", claims, 100);
    cache.set("b", claims, 100);
    cache.get("a");
    cache.set("c", claims, 100);
    expect([cache.get("a"), cache.get("b"), cache.get("c")].map(Boolean)).toEqual([true, false, true]);
  });
});

describe("verifyAccessToken with its cache", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("refuses a token it verified and cached once the token's exp has passed", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2030-01-01T00:00:00Z") });
    const config = authConfig();
    const token = await signAccessToken(config, claims);
    expect(await verifyAccessToken(config, token)).toEqual(claims);
    expect(await verifyAccessToken(config, token)).toEqual(claims);
    vi.setSystemTime(new Date("2030-01-01T00:01:00Z"));
    expect(await verifyAccessToken(config, token)).toBeNull();
  });

  it("never lets a cached token pass under a configuration with other keys", async () => {
    const config = authConfig();
    const token = await signAccessToken(config, claims);
    expect(await verifyAccessToken(config, token)).toEqual(claims);
    expect(await verifyAccessToken(authConfig("another-secret-of-at-least-32-bytes!"), token)).toBeNull();
  });

  it("refuses a tampered copy of a cached token", async () => {
    const config = authConfig();
    const token = await signAccessToken(config, claims);
    expect(await verifyAccessToken(config, token)).toEqual(claims);
    const tampered = token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA");
    expect(await verifyAccessToken(config, tampered)).toBeNull();
  });
});
