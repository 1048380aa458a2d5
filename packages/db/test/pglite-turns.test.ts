import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../src/database.js";
import { openPglite } from "../src/drivers/pglite.js";

let handle: DatabaseHandle;
let client: PGlite;
beforeAll(async () => {
  handle = await openPglite({});
  client = (handle.db as unknown as { $client: PGlite }).$client;
});
afterAll(() => handle.close());

/** A statement that keeps the embedded database busy for a millisecond or so. */
const BUSY = "select count(*)::int as n from generate_series(1, 20000)";

describe("the embedded database under a queue of statements", () => {
  it("gives the event loop turns while the queue drains, so sockets and timers are served in between", async () => {
    let done = 0;
    const seenAtTurns: number[] = [];
    const watch = () => {
      seenAtTurns.push(done);
      if (done < 300) setImmediate(watch);
    };
    setImmediate(watch);
    await Promise.all(Array.from({ length: 300 }, () => client.query(BUSY).then(() => (done += 1))));
    // Before: PGlite drained all 300 in promise callbacks, and the loop's first turn came after the last one.
    expect(seenAtTurns.length).toBeGreaterThan(1);
    expect(seenAtTurns[0]).toBeLessThan(300);
    expect(seenAtTurns.filter((count) => count > 0 && count < 300).length).toBeGreaterThan(0);
  });

  it("gives the event loop a turn when many callbacks of one loop phase each send a statement", async () => {
    // A server's poll phase reads every ready socket, and each request sends its statement from its own callback
    // while the database is idle: 100 immediates queued together run in one check phase the same way.
    let done = 0;
    const runs: Promise<unknown>[] = [];
    let seenNextTurn: number | undefined;
    await new Promise<void>((resolve) => {
      for (let i = 0; i < 100; i++) setImmediate(() => runs.push(client.query(BUSY).then(() => (done += 1))));
      // Queued after the 100, so it runs at the check phase of the loop's next turn.
      setImmediate(() =>
        setImmediate(() => {
          seenNextTurn = done;
          resolve();
        }),
      );
    });
    await Promise.all(runs);
    // Before: each statement ran inside its own callback, and the loop's next turn came after all 100.
    expect(seenNextTurn).toBeLessThan(100);
    expect(done).toBe(100);
  });

  it("runs statements in the order they were sent, and one that fails does not stop the ones behind it", async () => {
    const order: number[] = [];
    const runs = Array.from({ length: 40 }, (_, i) =>
      (i === 7 ? client.query("select 1 / 0") : client.query<{ i: number }>("select $1::int as i", [i]))
        .then(() => order.push(i))
        .catch((error: unknown) => {
          order.push(-i);
          return error;
        }),
    );
    const results = await Promise.all(runs);
    expect(order).toEqual(Array.from({ length: 40 }, (_, i) => (i === 7 ? -7 : i)));
    expect(String(results[7])).toMatch(/division by zero/);
  });

  it("keeps a transaction's statements together while other statements wait behind it", async () => {
    await client.exec("create temporary table turns_probe (n int)");
    const writer = client.transaction(async (tx) => {
      for (let n = 1; n <= 5; n += 1) {
        await tx.query("insert into turns_probe values ($1)", [n]);
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    const reader = client.query<{ rows: number }>("select count(*)::int as rows from turns_probe");
    await writer;
    expect((await reader).rows[0]?.rows).toBe(5);
  });

  it("runs a statement on an idle database at once, without waiting for a turn of the loop", async () => {
    await new Promise((resolve) => setImmediate(resolve));
    let turned = false;
    setImmediate(() => (turned = true));
    await client.query("select 1");
    expect(turned).toBe(false);
  });
});
