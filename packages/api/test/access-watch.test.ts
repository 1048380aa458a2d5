import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccessWatch } from "../src/events/access-watch.js";

/** A batched check the test settles by hand: each call's grants and its settle functions. */
function manualCheck() {
  const calls: { grants: readonly string[]; resolve: (errors: (unknown | undefined)[]) => void; reject: (error: unknown) => void }[] = [];
  return {
    calls,
    checkAll: (grants: readonly string[]) => new Promise<(unknown | undefined)[]>((resolve, reject) => calls.push({ grants, resolve, reject })),
  };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe("access watch", () => {
  it("runs one check for every stream of a key, and ends them all when it fails", async () => {
    const { calls, checkAll } = manualCheck();
    const watch = createAccessWatch(60_000, checkAll);
    const denied: unknown[] = [];
    const unwatch = Array.from({ length: 100 }, () => watch.watch("project token", "grant", (error) => denied.push(error)));
    watch.checkNow("project token");
    await settled();
    expect(calls.map((call) => call.grants)).toEqual([["grant"]]);
    calls[0]?.resolve([new Error("revoked")]);
    await settled();
    expect(denied).toHaveLength(100);
    unwatch.forEach((stop) => stop());
  });

  it("checks every watched key in one batch per interval and ends only the streams of the denied ones", async () => {
    vi.useFakeTimers();
    const { calls, checkAll } = manualCheck();
    const watch = createAccessWatch(1000, checkAll);
    const denied: string[] = [];
    const stops = ["a", "b", "c"].map((key) => watch.watch(key, `grant ${key}`, () => denied.push(key)));
    vi.advanceTimersByTime(1000);
    expect(calls.map((call) => call.grants)).toEqual([["grant a", "grant b", "grant c"]]);
    calls[0]?.resolve([undefined, new Error("b revoked"), undefined]);
    await vi.advanceTimersByTimeAsync(0);
    expect(denied).toEqual(["b"]);
    stops.forEach((stop) => stop());
    vi.advanceTimersByTime(5000);
    expect(calls).toHaveLength(1);
  });

  it("ends the streams of every key in a batch that failed as a whole (the database is down)", async () => {
    const { calls, checkAll } = manualCheck();
    const watch = createAccessWatch(60_000, checkAll);
    const denied: unknown[] = [];
    const stop = watch.watch("a", "grant a", (error) => denied.push(error));
    watch.checkNow("a");
    await settled();
    const outage = new Error("connection refused");
    calls[0]?.reject(outage);
    await settled();
    expect(denied).toEqual([outage]);
    stop();
  });

  it("checks the keys asked for in one turn of the event loop in one batch", async () => {
    const { calls, checkAll } = manualCheck();
    const watch = createAccessWatch(60_000, checkAll);
    const stops = ["a", "b", "c"].map((key) => watch.watch(key, `grant ${key}`, () => {}));
    watch.checkNow("a");
    watch.checkNow("c");
    watch.checkNow("a");
    await settled();
    expect(calls.map((call) => call.grants)).toEqual([["grant a", "grant c"]]);
    stops.forEach((stop) => stop());
  });

  it("asks once more after a running check instead of running two at once", async () => {
    const { calls, checkAll } = manualCheck();
    const watch = createAccessWatch(60_000, checkAll);
    const stop = watch.watch("key", "grant", () => {});
    watch.checkNow("key");
    await settled();
    watch.checkNow("key");
    watch.checkNow("key");
    await settled();
    expect(calls).toHaveLength(1);
    calls[0]?.resolve([undefined]);
    await settled();
    expect(calls).toHaveLength(2);
    calls[1]?.resolve([undefined]);
    await settled();
    expect(calls).toHaveLength(2);
    stop();
  });

  it("keeps keys apart and forgets a key once its last stream leaves", async () => {
    const { calls, checkAll } = manualCheck();
    const watch = createAccessWatch(60_000, checkAll);
    const deniedA: unknown[] = [];
    const stopA = watch.watch("a", "grant a", (error) => deniedA.push(error));
    const stopB = watch.watch("b", "grant b", () => {});
    watch.checkNow("b");
    await settled();
    expect(calls.map((call) => call.grants)).toEqual([["grant b"]]);
    calls[0]?.resolve([new Error("b revoked")]);
    await settled();
    expect(deniedA).toEqual([]);
    stopA();
    watch.checkNow("a");
    await settled();
    expect(calls).toHaveLength(1);
    stopB();
  });
});
