import type { PGlite, Transaction } from "@electric-sql/pglite";
import type { PoolCounter } from "../pool-stats.js";

const always = () => true;
const never = () => false;

/**
 * Counts PGlite's work for the pool metrics: each query outside a transaction and each transaction is one
 * operation (PGlite runs one at a time, the rest wait), and every query that fails, inside a transaction or not.
 */
export function countPglite(client: PGlite, counter: PoolCounter): void {
  const query = client.query.bind(client);
  const transaction = client.transaction.bind(client);
  client.query = ((...args: Parameters<PGlite["query"]>) => counter.track(query(...args), always)) as PGlite["query"];
  client.transaction = (<T>(callback: (tx: Transaction) => Promise<T>) =>
    counter.track(
      transaction((tx) => {
        const txQuery = tx.query.bind(tx);
        tx.query = ((...args: Parameters<Transaction["query"]>) =>
          txQuery(...args).catch((error: unknown) => {
            counter.failed();
            throw error;
          })) as Transaction["query"];
        return callback(tx);
      }),
      never,
    )) as PGlite["transaction"];
}
