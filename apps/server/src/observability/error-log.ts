/**
 * A loggable description of a server error. Drizzle's query errors carry the bound parameters, which can be
 * password hashes or tokens, so only the SQL text and the driver's own message are kept.
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const query = (error as { query?: unknown }).query;
  let root: Error = error;
  while (root.cause instanceof Error) root = root.cause;
  return {
    error: root === error || typeof query !== "string" ? error.message : root.message,
    ...(typeof query === "string" ? { query } : {}),
    ...((root as { code?: unknown }).code ? { code: (root as { code?: unknown }).code } : {}),
    stack: root.stack?.split("\n").slice(1, 6).map((line) => line.trim()),
  };
}
