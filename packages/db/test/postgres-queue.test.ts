import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";

interface Queue<T> {
  readonly length: number;
  push(item: T): T;
  shift(): T;
  remove(item: T): T | null;
}

// postgres.js's own queue (not exported): the ESM build the driver runs, patched in patches/postgres@3.4.9.patch.
const cjsIndex = createRequire(import.meta.url).resolve("postgres");
const esmQueue = join(dirname(cjsIndex), "..", "..", "src", "queue.js");
const { default: createQueue } = (await import(pathToFileURL(esmQueue).href)) as { default: <T>() => Queue<T> };

// V8's collector without restarting the test process with --expose-gc (the flag applies to new contexts).
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as (options: { type: "major" }) => void;
const heapUsed = () => {
  gc({ type: "major" });
  return getHeapStatistics().used_heap_size;
};

describe("postgres.js's connection queue", () => {
  it("hands a saturated pool's connections out in turn without its storage growing with each query", () => {
    // What the pool does when every connection is busy: take the first (shift), move it (remove it from its queue,
    // which no longer holds it, then push). Unpatched, every shift left a slot behind and remove scanned them all:
    // the array grew by one slot per query for as long as the pool stayed busy (~0.4 MB after these 50,000), and
    // each query cost O(queries so far).
    const busy = createQueue<{ id: number }>();
    for (let id = 0; id < 10; id++) busy.push({ id });
    const before = heapUsed();
    let found = 0;
    const last: number[] = [];
    const rounds = 50_000;
    for (let i = 0; i < rounds; i++) {
      const connection = busy.shift();
      if (busy.remove(connection) !== null) found += 1;
      busy.push(connection);
      if (i >= rounds - 10) last.push(connection.id);
    }
    const grown = heapUsed() - before;
    expect(found).toBe(0);
    expect(busy.length).toBe(10);
    expect(last).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(grown).toBeLessThan(100_000);
  });

  it("still removes a queued item from anywhere in the queue and keeps the others in order", () => {
    const queue = createQueue<string>();
    for (const item of ["a", "b", "c", "d", "e"]) queue.push(item);
    expect(queue.shift()).toBe("a");
    expect(queue.remove("c")).toBe("c");
    expect(queue.remove("a")).toBeNull();
    expect(queue.remove("x")).toBeNull();
    queue.push("f");
    expect(queue.length).toBe(4);
    expect([queue.shift(), queue.shift(), queue.shift(), queue.shift()]).toEqual(["b", "d", "e", "f"]);
    expect(queue.length).toBe(0);
  });
});
