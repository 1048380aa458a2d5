import type { PGlite } from "@electric-sql/pglite";
import { setImmediate as nextTurn } from "node:timers/promises";

/** The longest stretch of embedded-database work before the event loop gets a turn. */
export const PGLITE_SLICE_MS = 5;

/**
 * Gives the event loop a turn between stretches of PGlite work. PGlite runs each statement synchronously in this
 * thread and its queue of waiting statements drains in promise callbacks, so under load the loop would not poll
 * sockets until the whole queue had run: requests already read are served, but the sockets behind them are not read,
 * and a new connection waits for as many such turns as connections arrived before it (libuv accepts one per turn).
 *
 * `query`, `exec` and `transaction` calls now run in arrival order, one at a time (PGlite runs one at a time
 * anyway; a transaction is one call), and once the current stretch has lasted `sliceMs` the next call waits for the
 * next turn of the loop. Work that arrives while nothing runs starts at once, so an idle database adds no delay.
 * Statements inside a transaction go through the transaction's own handle and are not queued again.
 */
export function yieldBetweenSlices(client: PGlite, sliceMs = PGLITE_SLICE_MS): void {
  let tail: Promise<unknown> = Promise.resolve();
  let queued = 0;
  let sliceStart = 0;

  function inTurn<T>(run: () => Promise<T>): Promise<T> {
    if (queued === 0) sliceStart = performance.now();
    queued += 1;
    const result = tail.then(async () => {
      if (performance.now() - sliceStart >= sliceMs) {
        await nextTurn();
        sliceStart = performance.now();
      }
      return run();
    });
    const settled = result.then(
      () => {},
      () => {},
    );
    tail = settled.then(() => {
      queued -= 1;
    });
    return result;
  }

  const query = client.query.bind(client);
  const exec = client.exec.bind(client);
  const transaction = client.transaction.bind(client);
  client.query = ((...args: Parameters<PGlite["query"]>) => inTurn(() => query(...args))) as PGlite["query"];
  client.exec = ((...args: Parameters<PGlite["exec"]>) => inTurn(() => exec(...args))) as PGlite["exec"];
  client.transaction = ((...args: Parameters<PGlite["transaction"]>) => inTurn(() => transaction(...args))) as PGlite["transaction"];
}
