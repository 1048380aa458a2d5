import type { ServerResponse } from "node:http";

/** Adds a request header name to the response's `Vary`, keeping the names already there. */
export function appendVary(res: ServerResponse, name: string): void {
  const current = res.getHeader("vary");
  if (current === undefined) return void res.setHeader("vary", name);
  const list = Array.isArray(current) ? current.join(", ") : String(current);
  const lower = name.toLowerCase();
  if (list.split(",").some((entry) => entry.trim().toLowerCase() === lower)) return;
  res.setHeader("vary", `${list}, ${name}`);
}
