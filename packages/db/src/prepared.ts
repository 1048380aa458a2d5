import type { SQL } from "drizzle-orm";
import type { Executor } from "./database.js";

/** What a drizzle `.prepare(name)` gives back, as far as running it is concerned. */
interface PreparedQuery {
  execute(placeholderValues?: Record<string, unknown>): Promise<unknown>;
}

/** The driver objects drizzle keeps on a session and on the queries it prepared there (both drivers name them so). */
interface DriverBound {
  client: unknown;
}
interface SessionInternals extends DriverBound {
  dialect: object;
}

function sessionOf(executor: Executor): SessionInternals {
  const session = executor._.session as unknown as Partial<SessionInternals>;
  if (session.client === undefined || typeof session.dialect !== "object" || session.dialect === null) {
    throw new Error("prepared: this drizzle session does not expose its client and dialect");
  }
  return session as SessionInternals;
}

/**
 * A query built once per database and run on that database or inside any of its transactions. Drizzle ties a
 * prepared query to the connection it was prepared on, so one prepared on `db` would run outside a caller's
 * transaction (drizzle-team/drizzle-orm#613, #2826); this rebinds the built query to the executor's own driver client
 * (the transaction's reserved connection on postgres.js, the transaction handle on PGlite). Building the SQL is the
 * costly part (drizzle's entity checks and query building, ~100 µs a query); rebinding is one small object.
 * On postgres.js a prepared query is also a named server-side statement: one round trip per run instead of a
 * describe and then an execute.
 *
 * `build` receives the executor of the first call and must use only `sql.placeholder` for per-call values.
 */
export function prepared<Q extends PreparedQuery>(build: (db: Executor) => Q): (executor: Executor) => Q {
  // Keyed by the dialect: a database and its transactions share it, another database has its own.
  const built = new WeakMap<object, Q>();
  return (executor) => {
    const session = sessionOf(executor);
    let query = built.get(session.dialect);
    if (query === undefined) {
      query = build(executor);
      built.set(session.dialect, query);
    }
    const bound = query as unknown as Q & DriverBound;
    if (bound.client === session.client) return query;
    const rebound = Object.create(query) as Q & DriverBound;
    rebound.client = session.client;
    return rebound;
  };
}

/** The driver-level run of a drizzle prepared query: both drivers' prepared queries have it, typed internal by drizzle. */
interface RawRunnable {
  all(placeholderValues?: Record<string, unknown>): Promise<unknown[]>;
}

/**
 * The rows of a prepared query as the driver returns them: objects named by the selection's SQL aliases, values as the
 * driver parses them (drizzle has both drivers return timestamps and dates as their text), without drizzle's per-row
 * mapping. For hot reads whose selection already produces the output shape; `T` is the caller's promise about it.
 */
export function rawRows<T>(query: PreparedQuery, placeholderValues: Record<string, unknown>): Promise<T[]> {
  const runnable = query as Partial<RawRunnable>;
  if (typeof runnable.all !== "function") throw new Error("rawRows: this drizzle prepared query has no driver-level all()");
  return runnable.all(placeholderValues) as Promise<T[]>;
}

/** What drizzle's sessions (both drivers) offer to prepare a query they did not build: typed internal by drizzle. */
interface RawPreparing {
  dialect: { sqlToQuery(sql: SQL): { sql: string; params: unknown[] } };
  prepareQuery(query: { sql: string; params: unknown[] }, fields: undefined, name: string, isResponseInArrayMode: boolean): PreparedQuery;
}

/**
 * A statement drizzle's query builders cannot express (a CTE feeding an insert), prepared like {@link prepared}'s
 * queries: built once per database, rebound to each executor's connection, and on postgres.js a named server-side
 * statement. An unprepared statement with parameters costs postgres.js two round trips (describe, then execute) and
 * drizzle a rebuild of its SQL on every run. `build` must use only `sql.placeholder` for per-call values; `execute`
 * resolves to the driver's raw result, not mapped rows.
 */
export function preparedSql(name: string, build: () => SQL): (executor: Executor) => PreparedQuery {
  return prepared((db) => {
    const session = sessionOf(db) as SessionInternals & Partial<RawPreparing>;
    if (typeof session.prepareQuery !== "function" || typeof (session.dialect as Partial<RawPreparing["dialect"]>).sqlToQuery !== "function") {
      throw new Error("preparedSql: this drizzle session cannot prepare raw SQL");
    }
    const dialect = session.dialect as RawPreparing["dialect"];
    return session.prepareQuery(dialect.sqlToQuery(build()), undefined, name, false);
  });
}
