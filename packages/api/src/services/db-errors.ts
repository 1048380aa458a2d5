/** PostgreSQL's unique_violation, whether raised by postgres.js or PGlite, wrapped by Drizzle or not. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let current: unknown = error; current instanceof Error || typeof current === "object"; ) {
    if (current === null) return false;
    const { code, constraint_name: name1, constraint: name2, cause } = current as Record<string, unknown>;
    if (code === "23505") return constraint === undefined || name1 === constraint || name2 === constraint;
    current = cause;
  }
  return false;
}

/**
 * PostgreSQL's class 22 "data exception" (a NUL byte in text, a date out of range, …): the client sent a value
 * the database cannot store, which is a bad request, not a server fault.
 */
export function isDataException(error: unknown): boolean {
  for (let current: unknown = error; typeof current === "object" && current !== null; ) {
    const { code, cause } = current as Record<string, unknown>;
    if (typeof code === "string" && /^22[0-9A-Z]{3}$/.test(code)) return true;
    current = cause;
  }
  return false;
}

/** A deadlock or serialization failure: two requests collided; the one that lost may simply retry. */
export function isConcurrencyFailure(error: unknown): boolean {
  for (let current: unknown = error; typeof current === "object" && current !== null; ) {
    const { code, cause } = current as Record<string, unknown>;
    if (code === "40P01" || code === "40001") return true;
    current = cause;
  }
  return false;
}
