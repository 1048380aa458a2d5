import { purgeExpiredIdempotencyKeys } from "@cadence/api";
import type { Database } from "@cadence/db";
import type { Logger } from "../observability/logger.js";

/** How often expired Idempotency-Key records are deleted (they stop counting at 24 h whether purged or not). */
export const IDEMPOTENCY_PURGE_INTERVAL_MS = 60 * 60 * 1000;

export interface PeriodicTask {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs the idempotency purge on a timer for as long as the server runs (an unref'd timer: it never keeps the process
 * alive). A stand-in until a job queue schedules `purgeExpiredIdempotencyKeys` instead; a failed run is logged and
 * the next one tries again.
 */
export function startIdempotencyPurge(db: Database, logger: Logger, intervalMs = IDEMPOTENCY_PURGE_INTERVAL_MS): PeriodicTask {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= purgeExpiredIdempotencyKeys(db)
      .then((purged) => {
        if (purged > 0) logger.debug({ purged }, "purged expired idempotency keys");
      })
      .catch((error: unknown) => logger.warn({ error: error instanceof Error ? error.message : String(error) }, "purging idempotency keys failed"))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
