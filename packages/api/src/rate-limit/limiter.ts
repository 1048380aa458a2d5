import type { Database } from "@cadence/db";
import { rateLimits } from "@cadence/db";
import {
  RateLimiterDrizzle,
  RateLimiterMemory,
  RateLimiterRes,
  type RateLimiterAbstract,
  type RateLimiterStoreAbstract,
} from "rate-limiter-flexible";
import type { RateLimitConfig, RateLimitRule } from "../config.js";

/** What a limiter decided for one key, in the terms of the RateLimit-* response headers. */
export interface LimitState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export interface Limiter {
  /** The limit's name (`login`, `register`, `refresh`, `requests`), for metrics. */
  name: string;
  rule: RateLimitRule;
  /** Counts one hit against `key`. */
  consume(key: string): Promise<LimitState>;
  reset(key: string): Promise<void>;
}

export interface Limiters {
  loginFailures: Limiter;
  register: Limiter;
  refresh: Limiter;
  requests: Limiter;
}

function stateOf(rule: RateLimitRule, res: RateLimiterRes | null, allowed: boolean): LimitState {
  const msBeforeNext = res && res.msBeforeNext > 0 ? res.msBeforeNext : rule.durationSeconds * 1000;
  return {
    allowed,
    limit: rule.points,
    remaining: res ? Math.max(rule.points - res.consumedPoints, 0) : rule.points,
    resetSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)),
  };
}

function wrap(name: string, rule: RateLimitRule, store: RateLimiterAbstract | RateLimiterStoreAbstract): Limiter {
  return {
    name,
    rule,
    consume: async (key) => {
      try {
        return stateOf(rule, await store.consume(key), true);
      } catch (error) {
        if (error instanceof RateLimiterRes) return stateOf(rule, error, false);
        throw error;
      }
    },
    reset: async (key) => {
      await store.delete(key);
    },
  };
}

/** Builds the four limiters once per process, on the memory store or shared through PostgreSQL. */
export function createLimiters(config: RateLimitConfig, db: Database): Limiters {
  const make = (name: string, rule: RateLimitRule): Limiter => {
    const options = { keyPrefix: `cadence:${name}`, points: rule.points, duration: rule.durationSeconds };
    const store =
      config.store === "postgres"
        ? new RateLimiterDrizzle({ ...options, storeClient: db, schema: rateLimits })
        : new RateLimiterMemory(options);
    return wrap(name, rule, store);
  };
  return {
    loginFailures: make("login", config.loginFailures),
    register: make("register", config.register),
    refresh: make("refresh", config.refresh),
    requests: make("requests", config.requests),
  };
}
