import { existsSync } from "node:fs";
import { join } from "node:path";
import { DEMO_ACCOUNT } from "@cadence/api";
import { databaseKind } from "@cadence/db";
import type { Env } from "../config/env.js";
import type { RunningServer } from "../start.js";

type Line = [fields: Record<string, unknown>, message: string];

/** Which database is in use, for people: never the URL's password or query. */
export function describeDatabase(env: Pick<Env, "DATABASE_URL" | "DATA_DIR">): string {
  const kind = databaseKind(env.DATABASE_URL);
  if (kind === "embedded") return `embedded at ${env.DATA_DIR}`;
  if (kind === "memory") return "embedded, in memory (data is lost on exit)";
  const url = new URL(env.DATABASE_URL ?? "");
  return `PostgreSQL ${url.hostname}:${url.port || "5432"}${url.pathname}`;
}

/** What a person starting the server wants to read: where it listens, where the docs are, how to sign in. */
export function startupLines(env: Env, running: RunningServer): Line[] {
  const { url } = running;
  const database = describeDatabase(env);
  const lines: Line[] = [
    [{ url, database }, `Cadence listening on ${url} (database: ${database})`],
    [{}, `REST ${url}/api/v1 · docs ${url}/docs · OpenAPI ${url}/openapi.json · tRPC ${url}/trpc`],
  ];
  if (existsSync(join(env.WEB_DIR, "index.html"))) lines.push([{}, `web app ${url}/ (open it in a browser)`]);
  if (running.demoSeeded) {
    // The demo account's password is public (README); it is printed only the run that seeded it, in development.
    lines.push([{}, `demo account seeded: sign in as ${DEMO_ACCOUNT.username} / ${DEMO_ACCOUNT.password}`]);
  }
  return lines;
}
