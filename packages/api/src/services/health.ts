import { sql } from "drizzle-orm";
import type { Database } from "@cadence/db";
import type { ReadyOutput } from "../schemas/health.js";

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  // A late failure of the abandoned query must not become an unhandled rejection.
  work.catch(() => {});
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return "unavailable";
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && /^[A-Z_]+$/.test(code) ? `unavailable (${code})` : `unavailable: ${error.message}`;
}

/** Runs a real round trip to the database; never throws, so readiness always answers. */
export async function checkReadiness(db: Database, timeoutMs: number): Promise<ReadyOutput> {
  try {
    await withTimeout(db.execute(sql`select 1`), timeoutMs);
    return { status: "ok", checks: { database: "ok" } };
  } catch (error) {
    return { status: "unavailable", checks: { database: reason(error) } };
  }
}
