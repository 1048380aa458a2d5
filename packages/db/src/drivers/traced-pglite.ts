import type { PGlite, Transaction } from "@electric-sql/pglite";
import { traceQuery, type QueryTarget } from "./query-spans.js";

/** PGlite runs in this process: there is no server address, and its one database is `postgres`. */
const EMBEDDED: QueryTarget = { namespace: "postgres" };

type Query = PGlite["query"];

function traced(query: Query): Query {
  return ((text: string, params?: unknown[], options?: Parameters<Query>[2]) =>
    traceQuery(EMBEDDED, text, () => query(text, params, options))) as Query;
}

/**
 * Database client spans for the statements Drizzle sends through PGlite (`query`, and `query` on the handle a
 * transaction passes to its callback). Recorded only while an OpenTelemetry SDK is registered.
 */
export function tracePglite(client: PGlite): PGlite {
  client.query = traced(client.query.bind(client));
  const transaction = client.transaction.bind(client);
  client.transaction = <T>(callback: (tx: Transaction) => Promise<T>) =>
    transaction((tx) => {
      tx.query = traced(tx.query.bind(tx));
      return callback(tx);
    });
  return client;
}
