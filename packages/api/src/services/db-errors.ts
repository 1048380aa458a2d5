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
