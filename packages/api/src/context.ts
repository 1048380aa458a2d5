import type { Database } from "@cadence/db";
import { resolveIdentity, type IdentityResult } from "./auth/identity.js";
import type { AuthConfig, RateLimitConfig } from "./config.js";
import { createOutageMonitor, type OutageMonitor } from "./database-outage.js";
import { createProjectEventHub, type NotificationSource, type ProjectEventHub } from "./events/hub.js";
import { createStreamSlots, DEFAULT_STREAM_MAX_PER_USER, type StreamSlots } from "./events/stream-slots.js";
import { createLimiters, type Limiters } from "./rate-limit/limiter.js";

/** Default bound on a procedure's wait for the database before it answers 503 (see DATABASE_TIMEOUT_MS). */
export const DEFAULT_DATABASE_TIMEOUT_MS = 2000;

/** Process-wide dependencies of every procedure, built once at start-up. */
export interface ApiDeps {
  db: Database;
  /** How long readiness waits for the database before reporting it unavailable. */
  readyTimeoutMs: number;
  auth: AuthConfig;
  limiters: Limiters;
  /** How long a procedure may wait for the database before it answers 503 SERVICE_UNAVAILABLE. */
  databaseTimeoutMs: number;
  outage: OutageMonitor;
  /** Live project events (started and closed by the server), and the per-user cap on open streams. */
  events: ProjectEventHub;
  streamSlots: StreamSlots;
}

export interface ApiOptions {
  db: Database;
  readyTimeoutMs: number;
  auth: AuthConfig;
  rateLimits: RateLimitConfig;
  databaseTimeoutMs?: number;
  /** Structured log lines (the database outage warning); JSON on stderr by default. */
  log?: (line: Record<string, unknown>) => void;
  /** The database's LISTEN (`DatabaseHandle.subscribeNotifications`); without it streams see only replays. */
  notifications?: NotificationSource;
  /** Concurrent event streams per user (STREAM_MAX_PER_USER). */
  streamMaxPerUser?: number;
}

export function createApiDeps(options: ApiOptions): ApiDeps {
  const log = options.log ?? ((line) => console.error(JSON.stringify(line)));
  return {
    db: options.db,
    readyTimeoutMs: options.readyTimeoutMs,
    auth: options.auth,
    limiters: createLimiters(options.rateLimits, options.db),
    databaseTimeoutMs: options.databaseTimeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS,
    outage: createOutageMonitor(log),
    events: createProjectEventHub(options.db, options.notifications, (error) =>
      log({ level: "error", msg: "reading project events failed", error: error instanceof Error ? error.message : String(error) }),
    ),
    streamSlots: createStreamSlots(options.streamMaxPerUser ?? DEFAULT_STREAM_MAX_PER_USER),
  };
}

/** The transport-neutral facts about one request. */
export interface RequestInfo {
  requestId: string;
  /** The client's address (the socket's, or the proxy-reported one when the proxy is trusted). */
  ip: string;
  authorization: string | undefined;
  /** Reads a request header (lower-case name), e.g. If-Match. */
  header(name: string): string | undefined;
  /** Sets a response header (rate-limit headers, Retry-After). */
  setHeader(name: string, value: string): void;
}

export interface Context extends ApiDeps, Omit<RequestInfo, "authorization"> {
  /** The caller, resolved from the Authorization header on first use and then remembered for the request. */
  getIdentity(): Promise<IdentityResult>;
}

/** Builds the request context; the server calls this for both surfaces with the real request. */
export function createContext(deps: ApiDeps, request: RequestInfo): Context {
  let identity: Promise<IdentityResult> | undefined;
  return {
    ...deps,
    requestId: request.requestId,
    ip: request.ip,
    header: request.header,
    setHeader: request.setHeader,
    getIdentity: () => (identity ??= resolveIdentity(deps.db, deps.auth, request.authorization)),
  };
}
