import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { PoolStats } from "./pool-stats.js";
import type * as schema from "./schema/index.js";

export type Schema = typeof schema;

/** The one Drizzle type every driver is exposed as, so nothing above this package knows which one runs. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

/** A transaction handle with the same query API as {@link Database}. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** Either a database or a transaction: services accept this so they compose inside a caller's transaction. */
export type Executor = Database | Transaction;

export type DriverName = "pglite" | "postgres";

export interface DatabaseHandle {
  db: Database;
  driver: DriverName;
  /** The pool's size, busy and waiting connections and failed queries so far, for metrics. */
  stats(): PoolStats;
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /**
   * Calls `onNotify` with the payload of every NOTIFY on `channel` (delivered on commit, never on rollback), on a
   * dedicated connection for postgres:// and within the process for PGlite. `onListening` runs once listening and
   * again after every reconnect of a dropped listener connection, so the caller can replay what it missed.
   * Resolves to the function that stops listening.
   */
  subscribeNotifications(channel: string, onNotify: (payload: string) => void, onListening?: () => void): Promise<() => Promise<void>>;
  /**
   * Raw SQL for a library that brings its own (the job queue, see {@link SqlRows}): `values` bind $1..$n; without
   * values the text may hold several statements, and a transaction it leaves open by failing is rolled back.
   */
  executeSql(text: string, values?: unknown[]): Promise<SqlRows>;
  close(): Promise<void>;
}

/** Rows of the last statement, the shape node-postgres answers with (what pg-boss's `db` option expects). */
export interface SqlRows {
  rows: Record<string, unknown>[];
}
