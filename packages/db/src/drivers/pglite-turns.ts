import type { PGlite } from "@electric-sql/pglite";
import { setImmediate as nextTurn } from "node:timers/promises";

/** The longest stretch of embedded-database work before the event loop gets a turn. */
export const PGLITE_SLICE_MS = 5;

const ignore = () => {};

/**
 * Gives the event loop a turn between stretches of PGlite work. PGlite runs each statement synchronously in this
 * thread, so while it is busy the loop polls no sockets and accepts no connections (libuv accepts one per turn).
 *
 * `query`, `exec` and `transaction` calls run in arrival order, one at a time (PGlite runs one at a time anyway; a
 * transaction is one call). A stretch begins with the first call after the loop's check phase and lasts until the
 * next one, whether the calls queued up behind each other or each came from its own callback: under load a server
 * reads every ready socket in one poll phase, and each request's statements ran inside its own callback while the
 * database looked idle, so a turn lasted as long as all those requests together. Once a stretch has lasted
 * `sliceMs`, the next call waits for the loop's next turn. Work that arrives at an idle database starts at once.
 * Statements inside a transaction go through the transaction's own handle and are not queued again.
 */
export function yieldBetweenSlices(client: PGlite, sliceMs = PGLITE_SLICE_MS): void {
  let tail: Promise<unknown> = Promise.resolve();
  let stretchStart: number | undefined;
  const endStretch = () => {
    stretchStart = undefined;
  };

  function inTurn<T>(run: () => Promise<T>): Promise<T> {
    const result = tail.then(async () => {
      if (stretchStart !== undefined && performance.now() - stretchStart >= sliceMs) await nextTurn();
      if (stretchStart === undefined) {
        stretchStart = performance.now();
        // Runs at the check phase of this turn of the loop, or of the next one when queued from a check phase.
        setImmediate(endStretch);
      }
      return run();
    });
    tail = result.then(ignore, ignore);
    return result;
  }

  const query = client.query.bind(client);
  const exec = client.exec.bind(client);
  const transaction = client.transaction.bind(client);
  client.query = ((...args: Parameters<PGlite["query"]>) => inTurn(() => query(...args))) as PGlite["query"];
  client.exec = ((...args: Parameters<PGlite["exec"]>) => inTurn(() => exec(...args))) as PGlite["exec"];
  client.transaction = ((...args: Parameters<PGlite["transaction"]>) => inTurn(() => transaction(...args))) as PGlite["transaction"];
}
