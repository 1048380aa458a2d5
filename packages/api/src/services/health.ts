import { sql } from "drizzle-orm";
import type { Database } from "@cadence/db";
import type { ReadyOutput } from "../schemas/health.js";
import { errorCode } from "./db-errors.js";

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReadyTimeout(`no answer within ${ms} ms`)), ms);
  });
  // A late failure of the abandoned query must not become an unhandled rejection.
  work.catch(() => {});
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

class ReadyTimeout extends Error {}

/** A reason safe to show anyone: our own timeout message or the driver's error code, never its message. */
function reason(error: unknown): string {
  if (error instanceof ReadyTimeout) return `unavailable: ${error.message}`;
  const code = errorCode(error);
  return code && /^[A-Z0-9_]{2,40}$/.test(code) ? `unavailable (${code})` : "unavailable";
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
