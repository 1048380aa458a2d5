/** Typed configuration the server hands to the API; nothing in this package reads the environment. */

export interface JwtKey {
  kid: string;
  secret: Uint8Array;
}

export interface AuthConfig {
  /** Oldest first: every key verifies, the last (newest) signs. */
  keys: JwtKey[];
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

export interface RateLimitRule {
  points: number;
  durationSeconds: number;
}

export interface RateLimitConfig {
  /** `memory`: per process; `postgres`: shared through the database by every instance. */
  store: "memory" | "postgres";
  /** Failed logins per (client IP, name as sent). */
  loginFailures: RateLimitRule;
  /** Registrations per client IP. */
  register: RateLimitRule;
  /** Refreshes per client IP. */
  refresh: RateLimitRule;
  /** Any other request per identity (per client IP when anonymous). */
  requests: RateLimitRule;
}
