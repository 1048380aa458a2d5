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
