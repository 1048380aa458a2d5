import { describe, expect, it } from "vitest";
import { createOutageMonitor, OUTAGE_QUIET_MS, withDeadline } from "../src/database-outage.js";
import type { ApiLogger } from "../src/observer.js";
import { isDatabaseUnavailable } from "../src/services/db-errors.js";

/** postgres.js and Node shape their errors like this: a `code`, possibly under a Drizzle wrapper's `cause`. */
function driverError(code: string, wrapped = false): Error {
  const error = Object.assign(new Error("driver says"), { code });
  return wrapped ? new Error("Failed query", { cause: error }) : error;
}

describe("isDatabaseUnavailable", () => {
  it.each(["ECONNREFUSED", "ECONNRESET", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECT_TIMEOUT", "57P01", "57P03", "08006", "08001", "53300", "57014"])(
    "treats %s as the database being unavailable, wrapped or not",
    (code) => {
      expect(isDatabaseUnavailable(driverError(code))).toBe(true);
      expect(isDatabaseUnavailable(driverError(code, true))).toBe(true);
    },
  );

  it.each(["23505", "22P02", "40001", "42P01"])("leaves %s to the other mappings", (code) => {
    expect(isDatabaseUnavailable(driverError(code))).toBe(false);
  });

  it("is false for errors without a code", () => {
    expect(isDatabaseUnavailable(new Error("bug"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

describe("withDeadline", () => {
  it("rejects with a DATABASE_DEADLINE error that counts as unavailable when the work outlasts it", async () => {
    const error = await withDeadline(new Promise(() => {}), 10).catch((caught: unknown) => caught);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("settles like the work when it is faster", async () => {
    await expect(withDeadline(Promise.resolve(42), 1000)).resolves.toBe(42);
  });
});

/** A logger that records each line as `{ level, msg, ...fields }`. */
function recorder(lines: Record<string, unknown>[]): ApiLogger {
  return {
    info: (fields, msg) => lines.push({ level: "info", msg, ...fields }),
    warn: (fields, msg) => lines.push({ level: "warn", msg, ...fields }),
    error: (fields, msg) => lines.push({ level: "error", msg, ...fields }),
  };
}

describe("createOutageMonitor", () => {
  it("logs one warning per outage and one line when it ends, however many requests fail", () => {
    const lines: Record<string, unknown>[] = [];
    let now = 1000;
    const monitor = createOutageMonitor(recorder(lines), () => now);
    monitor.available();
    for (let i = 0; i < 50; i++) monitor.unavailable(driverError("ECONNREFUSED"));
    now = 7000;
    monitor.available();
    monitor.available();
    monitor.unavailable(driverError("57P01", true));
    expect(lines).toEqual([
      { level: "warn", msg: "database unavailable: answering 503 until it is back", code: "ECONNREFUSED" },
      { level: "info", msg: "database available again", downMs: 6000, failedRequests: 50 },
      { level: "warn", msg: "database unavailable: answering 503 until it is back", code: "57P01" },
    ]);
  });

  it("logs a flapping database as one window: successes end it only after a quiet period without failures", () => {
    const lines: Record<string, unknown>[] = [];
    let now = 0;
    const monitor = createOutageMonitor(recorder(lines), () => now);
    for (; now < 3000; now += 100) {
      monitor.unavailable(driverError("ECONNRESET"));
      monitor.available();
    }
    expect(lines).toEqual([{ level: "warn", msg: "database unavailable: answering 503 until it is back", code: "ECONNRESET" }]);
    now += OUTAGE_QUIET_MS;
    monitor.available();
    expect(lines.at(-1)).toMatchObject({ level: "info", msg: "database available again", failedRequests: 30 });
  });
});
