import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../src/config/env.js";
import { silentLogger } from "../src/observability/logger.js";
import { startServer, type RunningServer } from "../src/start.js";
import { openTestDatabase, type TestDatabase } from "./support/database.js";
import { keepAliveLoad, type LoadReport } from "./support/keep-alive-load.js";
import { closedWithin, rawConnection } from "./support/raw-socket.js";
import { TEST_JWT_SECRET } from "./support/server.js";

// Stopping in-process (the same drain SIGTERM runs, see shutdown.test.ts) so many stops fit in one test.
let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.dispose());

function start(env: Record<string, string> = {}): Promise<RunningServer> {
  const config = loadEnv({ NODE_ENV: "test", PORT: "0", JWT_SECRET: TEST_JWT_SECRET, RATE_LIMIT_REQUESTS: "1000000/1m", ...env });
  return startServer(config, { database: database.handle, logger: silentLogger() });
}

const HEALTH = "GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
const HEALTH_BODY = '{"status":"ok"}';

/** Sends one request on a new raw connection and waits for the whole response, leaving the socket kept alive. */
async function keptAliveConnection(url: string) {
  const client = rawConnection(url);
  await client.connected;
  client.socket.write(HEALTH);
  await expect.poll(() => client.received(), { timeout: 5000 }).toMatch(/Connection: keep-alive[\s\S]*\{"status":"ok"\}$/);
  return client;
}

describe("stopping with kept-alive connections", () => {
  it("resets no request of keep-alive clients that send through the stop, over 10 stops", async () => {
    const reports: LoadReport[] = [];
    for (let round = 0; round < 10; round += 1) {
      const running = await start();
      const load = keepAliveLoad(`${running.url}/api/v1/health`, 8);
      await load.warmedUp(50);
      // Not a wait for anything: shifts the stop to a different moment of the traffic each round.
      await delay(round * 3);
      const stopped = running.stop();
      load.markSignal();
      await stopped;
      reports.push(await load.finished);
    }
    const errors: Record<string, number> = {};
    for (const report of reports) {
      for (const [code, count] of Object.entries(report.errors)) errors[code] = (errors[code] ?? 0) + count;
    }
    // Each loop ends on ECONNREFUSED once the server stopped listening; anything else is a request that was lost.
    const { ECONNREFUSED: refused = 0, ...lost } = errors;
    expect(lost).toEqual({});
    expect(refused).toBe(10 * 8);
    // The stop really landed on busy kept-alive sockets, and every answer after it said the socket is closing.
    expect(reports.reduce((sum, report) => sum + report.answeredAfterSignal, 0)).toBeGreaterThan(0);
    expect(reports.reduce((sum, report) => sum + report.keptAliveAfterSignal, 0)).toBe(0);
  }, 120_000);

  it("answers a request that arrives on an idle kept-alive socket after the stop, with Connection: close", async () => {
    const running = await start({ SHUTDOWN_TIMEOUT_MS: "30000" });
    const client = await keptAliveConnection(running.url);
    const stopped = running.stop();
    client.socket.write(HEALTH);
    const { response } = await closedWithin(client, 5000);
    const second = response.slice(response.indexOf(HEALTH_BODY) + HEALTH_BODY.length);
    expect(second).toMatch(/^HTTP\/1\.1 200 /);
    expect(second).toMatch(/\r\nConnection: close\r\n/i);
    expect(second.endsWith(HEALTH_BODY)).toBe(true);
    await stopped;
  });

  it("closes a kept-alive socket left idle through the stop, and finishes long before SHUTDOWN_TIMEOUT_MS", async () => {
    const running = await start({ SHUTDOWN_TIMEOUT_MS: "30000" });
    const client = await keptAliveConnection(running.url);
    const begun = Date.now();
    const stopped = running.stop();
    await closedWithin(client, 5000);
    await stopped;
    expect(Date.now() - begun).toBeLessThan(5000);
  });
});
