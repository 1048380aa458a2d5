import { Agent, request } from "node:http";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/server.js";

type Gc = (options?: { type: "major" | "minor" }) => void;

let server: TestServer;
let gc: Gc;
beforeAll(async () => {
  server = await startTestServer();
  // V8's collector, without restarting the test process with --expose-gc (the flag applies to new contexts).
  setFlagsFromString("--expose-gc");
  gc = runInNewContext("gc") as Gc;
});
afterAll(() => server.close());

function oldSpaceUsed(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === "old_space")?.space_used_size ?? 0;
}

/** One GET on a kept-alive socket of `agent`, read to its end. node:http rather than fetch: undici's responses have
 * cleanup hooks of their own that outlive a young-generation collection, which this test would count. */
function get(agent: Agent, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on("end", resolve);
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** `count` requests, `concurrency` at a time on as many kept-alive connections. */
async function serve(path: string, count: number, concurrency: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    for (let sent = 0; sent < count; sent += concurrency) {
      await Promise.all(Array.from({ length: concurrency }, () => get(agent, `${server.url}${path}`)));
    }
  } finally {
    agent.destroy();
  }
}

const REQUESTS = 2000;

/**
 * A request's objects (the request, its response, their headers and the server's bookkeeping for them) are garbage
 * once the response is sent; they must die in the young generation. Kept in a WeakMap keyed by the request with a
 * value that refers back to it, they did not: V8's young-generation collector treats WeakMap values as live, so every
 * request outlived two scavenges and was promoted, to be found only by a full collection (~2 MB per scavenge under
 * load, a full collection every few hundred milliseconds). Promotion is measured as old-space growth across two minor
 * collections after the requests, with a full collection before them.
 */
describe("request lifetime", () => {
  it.each(["/api/v1/health", "/trpc/health.live"])("lets the requests it served on %s die young (not promoted to the old generation)", async (path) => {
    await serve(path, 200, 20);
    gc({ type: "major" });
    const before = oldSpaceUsed();
    await serve(path, REQUESTS, 20);
    gc({ type: "minor" });
    gc({ type: "minor" });
    const promotedPerRequest = (oldSpaceUsed() - before) / REQUESTS;
    // Measured in this test: ~0.6 KB a request (the client's side shares this heap), 5.3-5.8 KB when requests were kept.
    expect(promotedPerRequest).toBeLessThan(2048);
  });
});
