import { describe, expect, it } from "vitest";
import { createAccessWatch } from "../src/events/access-watch.js";

/** A check the test settles by hand. */
function manualCheck() {
  const pending: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  return {
    pending,
    check: () => new Promise<void>((resolve, reject) => pending.push({ resolve, reject })),
  };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("access watch", () => {
  it("runs one check for every stream of a key, and ends them all when it fails", async () => {
    const watch = createAccessWatch(60_000);
    const { pending, check } = manualCheck();
    const denied: unknown[] = [];
    const unwatch = Array.from({ length: 100 }, () => watch.watch("project token", check, (error) => denied.push(error)));
    watch.checkNow("project token");
    expect(pending).toHaveLength(1);
    pending[0]?.reject(new Error("revoked"));
    await settled();
    expect(denied).toHaveLength(100);
    unwatch.forEach((stop) => stop());
  });

  it("asks once more after a running check instead of running two at once", async () => {
    const watch = createAccessWatch(60_000);
    const { pending, check } = manualCheck();
    const stop = watch.watch("key", check, () => {});
    watch.checkNow("key");
    watch.checkNow("key");
    watch.checkNow("key");
    expect(pending).toHaveLength(1);
    pending[0]?.resolve();
    await settled();
    expect(pending).toHaveLength(2);
    pending[1]?.resolve();
    await settled();
    expect(pending).toHaveLength(2);
    stop();
  });

  it("keeps keys apart and forgets a key once its last stream leaves", async () => {
    const watch = createAccessWatch(60_000);
    const a = manualCheck();
    const b = manualCheck();
    const deniedA: unknown[] = [];
    const stopA = watch.watch("a", a.check, (error) => deniedA.push(error));
    const stopB = watch.watch("b", b.check, () => {});
    watch.checkNow("b");
    b.pending[0]?.reject(new Error("b revoked"));
    await settled();
    expect(deniedA).toEqual([]);
    stopA();
    watch.checkNow("a");
    expect(a.pending).toHaveLength(0);
    stopB();
  });
});
