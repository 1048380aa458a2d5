/**
 * The first string `code` along an error's cause chain: a PostgreSQL SQLSTATE (postgres.js or PGlite, wrapped
 * by Drizzle or not) or a Node.js network code such as ECONNREFUSED.
 */
export function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error; typeof current === "object" && current !== null; ) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === "string") return code;
    current = cause;
  }
  return undefined;
}

/** PostgreSQL's unique_violation. */
export function isUniqueViolation(error: unknown): boolean {
  return errorCode(error) === "23505";
}

/**
 * PostgreSQL's class 22 "data exception" (a NUL byte in text, a date out of range, …): the client sent a value
 * the database cannot store, which is a bad request, not a server fault.
 */
export function isDataException(error: unknown): boolean {
  return /^22[0-9A-Z]{3}$/.test(errorCode(error) ?? "");
}

/** A deadlock or serialization failure: two requests collided; the one that lost may simply retry. */
export function isConcurrencyFailure(error: unknown): boolean {
  const code = errorCode(error);
  return code === "40P01" || code === "40001";
}

/**
 * Network and driver codes of a database that cannot be reached or dropped the connection: Node.js socket errors,
 * postgres.js's own codes (CONNECTION_CLOSED, CONNECTION_ENDED, CONNECTION_DESTROYED, CONNECT_TIMEOUT) and our
 * client-side deadline. PGlite runs in-process and has no equivalent: it cannot become unreachable.
 */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "DATABASE_DEADLINE",
]);

/**
 * The database is down, unreachable or refusing work for now: the request may succeed if retried later (503),
 * as opposed to a fault in the request or the code (4xx, 500). SQLSTATE classes 08 (connection exception) and 53
 * (insufficient resources), 57P01-57P03 (admin/crash shutdown, cannot connect now) and 57014 (statement_timeout).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = errorCode(error);
  if (code === undefined) return false;
  return UNREACHABLE.has(code) || /^(08|53)[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code) || code === "57014";
}
