import { createHash, randomBytes } from "node:crypto";
import type { AuthConfig, RateLimitConfig } from "@cadence/api";
import type { Env } from "./env.js";

/** A stable key id for a secret: a short SHA-256 fingerprint, so the kid never reveals the secret. */
function fingerprint(secret: string): string {
  return createHash("sha256").update(secret).digest("hex").slice(0, 12);
}

/**
 * JWT settings from the environment. Without a secret outside production a random one is generated, so tokens
 * issued before a restart stop working; production refuses to start without one (see env.ts).
 */
export function authConfigFrom(env: Env, warn: (message: string) => void): AuthConfig {
  const encoder = new TextEncoder();
  let keys = env.JWT_KEYS?.map((key) => ({ kid: key.kid, secret: encoder.encode(key.secret) }));
  if (!keys && env.JWT_SECRET) keys = [{ kid: fingerprint(env.JWT_SECRET), secret: encoder.encode(env.JWT_SECRET) }];
  if (!keys) {
    warn("JWT_SECRET is not set: using a random secret for this run (tokens will not survive a restart)");
    const secret = randomBytes(32).toString("base64url");
    keys = [{ kid: `dev-${fingerprint(secret)}`, secret: encoder.encode(secret) }];
  }
  return {
    keys,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL,
    refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL,
  };
}

export function rateLimitConfigFrom(env: Env): RateLimitConfig {
  return {
    store: env.RATE_LIMIT_STORE,
    loginFailures: env.RATE_LIMIT_LOGIN,
    register: env.RATE_LIMIT_REGISTER,
    refresh: env.RATE_LIMIT_REFRESH,
    requests: env.RATE_LIMIT_REQUESTS,
  };
}
