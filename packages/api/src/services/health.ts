import { sql } from "drizzle-orm";
import type { Database } from "@cadence/db";
import { DatabaseDeadlineError, withDeadline } from "../database-outage.js";
import type { ReadyOutput } from "../schemas/health.js";
import { errorCode } from "./db-errors.js";

/** A reason safe to show anyone: our own timeout message or the driver's error code, never its message. */
function reason(error: unknown, timeoutMs: number): string {
  if (error instanceof DatabaseDeadlineError) return `unavailable: no answer within ${timeoutMs} ms`;
  const code = errorCode(error);
  return code && /^[A-Z0-9_]{2,40}$/.test(code) ? `unavailable (${code})` : "unavailable";
}

/** Runs a real round trip to the database; never throws, so readiness always answers. */
export async function checkReadiness(db: Database, timeoutMs: number): Promise<ReadyOutput> {
  try {
    await withDeadline(db.execute(sql`select 1`), timeoutMs);
    return { status: "ok", checks: { database: "ok" } };
  } catch (error) {
    return { status: "unavailable", checks: { database: reason(error, timeoutMs) } };
  }
}
