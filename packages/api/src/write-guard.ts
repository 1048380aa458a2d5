import type { Database } from "@cadence/db";
import { DatabaseDeadlineError } from "./database-outage.js";

/** Where one mutation's transactions stand relative to its database deadline. */
export interface WriteGuard {
  /** The deadline answered 503: a transaction that has not begun to commit must roll back. */
  abandoned: boolean;
  /** A COMMIT was sent: its outcome, not the deadline, decides the answer. */
  committing: boolean;
}

/**
 * The mutation's view of the database: the same object (queries go to it through the prototype), except that a
 * transaction checks the guard between its last statement and COMMIT. Once the deadline has answered 503 the
 * work is rolled back instead of committing behind the client's back; once COMMIT is under way, the deadline
 * waits for it. Both happen in one synchronous step after the callback, so no timer fires in between.
 */
export function guardedDatabase(db: Database, guard: WriteGuard, deadlineMs: number): Database {
  const transaction: Database["transaction"] = (work, config) =>
    db.transaction(async (tx) => {
      const result = await work(tx);
      if (guard.abandoned) throw new DatabaseDeadlineError(deadlineMs);
      guard.committing = true;
      return result;
    }, config);
  return Object.create(db, { transaction: { value: transaction } }) as Database;
}
