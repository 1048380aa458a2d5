import type { Sql } from "postgres";
import { spanSettlers, startQuerySpan, type QueryTarget } from "./query-spans.js";

type Then = (onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) => Promise<unknown>;

/** The part of a postgres.js `sql` (pool or transaction) that Drizzle calls. */
interface SqlCalls {
  unsafe(...args: unknown[]): { then: Then };
  begin?(...args: unknown[]): Promise<unknown>;
  savepoint?(...args: unknown[]): Promise<unknown>;
}

/**
 * A postgres.js query runs when it is first awaited, so its span starts there (under the caller's active span)
 * and ends when it settles. Only the promise protocol is used; the query object is otherwise untouched.
 */
function traceWhenAwaited<Q extends { then: Then }>(query: Q, target: QueryTarget, text: string): Q {
  const then = query.then;
  query.then = function (this: Q, onFulfilled, onRejected) {
    const span = startQuerySpan(target, text);
    if (!span) return then.call(this, onFulfilled, onRejected);
    const settled = then.call(this, ...spanSettlers<unknown>(span));
    return settled.then(onFulfilled, onRejected);
  };
  return query;
}

/**
 * Database client spans for the statements Drizzle sends through `sql` (`unsafe`), including inside transactions
 * and savepoints, whose scoped `sql` is traced the same way. Spans are recorded only while an OpenTelemetry SDK is
 * registered; without one each statement costs one non-recording span.
 */
export function tracePostgres(sql: Sql, target: QueryTarget = targetOf(sql)): Sql {
  const calls = sql as unknown as SqlCalls;
  const unsafe = calls.unsafe;
  calls.unsafe = (...args) => traceWhenAwaited(unsafe.apply(sql, args), target, String(args[0]));
  for (const name of ["begin", "savepoint"] as const) {
    const scoped = calls[name];
    if (!scoped) continue;
    // begin([options], fn) and savepoint([name], fn): the callback receives the transaction's own `sql`.
    calls[name] = (...args) =>
      scoped.apply(
        sql,
        args.map((arg) => (typeof arg === "function" ? (tx: Sql) => (arg as (tx: Sql) => unknown)(tracePostgres(tx, target)) : arg)),
      );
  }
  return sql;
}

function targetOf(sql: Sql): QueryTarget {
  const { host, port, database } = sql.options;
  return { namespace: database, address: host[0], port: port[0] };
}
