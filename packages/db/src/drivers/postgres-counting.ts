import type postgres from "postgres";
import type { PoolCounter } from "../pool-stats.js";

type Sql = postgres.Sql;

/** The internals of a postgres.js query this counts through: the pool's handler and the promise's settlers. */
interface QueryInternals {
  handler: (query: unknown) => void;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Counts a failure of every query `sql` runs; with `inFlight`, also counts it in flight from hand-over to answer. */
function countQueries(sql: Sql, counter: PoolCounter, inFlight: boolean): void {
  const unsafe = sql.unsafe;
  sql.unsafe = ((...args: Parameters<Sql["unsafe"]>) => {
    const query = unsafe(...args);
    const internals = query as unknown as QueryInternals;
    const { handler, resolve, reject } = internals;
    // A transaction's own BEGIN (postgres.js passes `onexecute` for it) is counted by the transaction.
    const counted = inFlight && !(typeof args[2] === "object" && "onexecute" in args[2]);
    let running = false;
    internals.handler = (q) => {
      if (counted) counter.started();
      running = counted;
      handler(q);
    };
    internals.resolve = (value) => {
      if (running) counter.settled();
      running = false;
      resolve(value);
    };
    internals.reject = (error) => {
      if (running) counter.settled();
      running = false;
      counter.failed();
      reject(error);
    };
    return query;
  }) as Sql["unsafe"];
}

/**
 * Counts postgres.js's work for the pool metrics, which it does not expose: each query outside a transaction
 * (from hand-over to the pool until its answer) and each transaction (holding its reserved connection) is one
 * operation; every failed query counts as an error, inside a transaction or not. Relies on postgres.js 3.4's
 * query internals (handler, resolve, reject), which Drizzle's `unsafe` and `begin` calls all go through.
 */
export function countPostgres(client: Sql, counter: PoolCounter): void {
  countQueries(client, counter, true);
  const begin = client.begin.bind(client) as (options: string, fn: (sql: postgres.TransactionSql) => unknown) => Promise<unknown>;
  client.begin = ((...args: [string, (sql: postgres.TransactionSql) => unknown] | [(sql: postgres.TransactionSql) => unknown]) => {
    const [options, fn] = args.length === 2 ? args : ["", args[0]];
    return counter.track(
      begin(options, (sql) => {
        countQueries(sql as unknown as Sql, counter, false);
        return fn(sql);
      }),
      () => false,
    );
  }) as Sql["begin"];
}
