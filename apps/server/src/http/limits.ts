import type { Server, ServerOptions } from "node:http";
import type { Env } from "../config/env.js";

/** How long a client may take and how many may connect; see "Failure behaviour" in the README. */
export interface HttpLimits {
  /** From connecting (or the previous response) to the end of the request headers. */
  headersTimeoutMs: number;
  /** From connecting (or the previous response) to the end of the request body. */
  requestTimeoutMs: number;
  /** How long a kept-alive socket may sit idle between requests. */
  keepAliveTimeoutMs: number;
  /** Open connections beyond this are closed as soon as they are accepted. */
  maxConnections: number;
}

export function httpLimitsFrom(env: Env): HttpLimits {
  return {
    headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: env.MAX_CONNECTIONS,
  };
}

/**
 * node:http options for the limits. Node looks for expired headers and requests only every
 * `connectionsCheckingInterval` (30 s by default), which would let a slow client outlive its timeout by that much;
 * checking at a quarter of the shortest timeout (at most every second) keeps the overshoot small.
 */
export function serverOptionsFor(limits: HttpLimits): ServerOptions {
  const shortest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(shortest / 4))),
  };
}

/** Applies the limit that is a property rather than a constructor option. */
export function capConnections(server: Server, limits: HttpLimits): Server {
  server.maxConnections = limits.maxConnections;
  return server;
}
