/**
 * Why an authentication failed, as a metric label: a fixed set, never the credential or the caller's input.
 * `missing_credentials` is a protected procedure called without any.
 */
export type AuthFailureReason =
  | "malformed_authorization"
  | "invalid_api_key"
  | "invalid_access_token"
  | "revoked_session"
  | "missing_credentials"
  | "bad_credentials"
  | "invalid_refresh_token";

/**
 * What the API reports to the server's metrics. The server implements it (prom-client); this package only calls
 * it, so it stays free of any metrics library.
 */
export interface ApiObserver {
  /** A request was refused with 429 by the named limit (`login`, `register`, `refresh`, `requests`). */
  rateLimited(limit: string): void;
  authenticationFailed(reason: AuthFailureReason): void;
  /** The live-event hub wrote one read of a project's events to its streams (see FanOut). */
  fannedOut(fanOut: FanOut): void;
}

/** One fan-out of the live-event hub: a read of a project's new events handed to every stream of the project. */
export interface FanOut {
  events: number;
  streams: number;
  /** From the first notification of these events to the start of their fan-out: the pacing gap plus the read. */
  heldSeconds: number;
  /** Writing them to every stream. */
  writeSeconds: number;
}

/** The structured logger the API writes to (pino's Logger satisfies it): fields first, then the message. */
export interface ApiLogger {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

export const noopObserver: ApiObserver = {
  rateLimited: () => {},
  authenticationFailed: () => {},
  fannedOut: () => {},
};

/** JSON lines on stderr, for callers of createApiDeps that hand in no logger (scripts, other packages' tests). */
export const stderrLogger: ApiLogger = {
  info: (fields, msg) => console.error(JSON.stringify({ level: "info", msg, ...fields })),
  warn: (fields, msg) => console.error(JSON.stringify({ level: "warn", msg, ...fields })),
  error: (fields, msg) => console.error(JSON.stringify({ level: "error", msg, ...fields })),
};
