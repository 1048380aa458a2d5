/** Which part of the server a request is for, as a log field and metric label. */
export type Surface = "trpc" | "rest" | "openapi" | "docs" | "metrics" | "root" | "other";

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** Health and readiness are REST routes; the request observer labels them `health` once the route is known. */
export function surfaceOf(path: string): Surface {
  if (under(path, "/trpc")) return "trpc";
  if (under(path, "/api/v1")) return "rest";
  if (path === "/openapi.json") return "openapi";
  if (under(path, "/docs")) return "docs";
  if (path === "/metrics") return "metrics";
  if (path === "/") return "root";
  return "other";
}
