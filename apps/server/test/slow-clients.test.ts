import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedWithin, rawConnection, trickle } from "./support/raw-socket.js";
import { startTestServer, type TestServer } from "./support/server.js";

// Small bounds so the test is quick; Node's own defaults (60 s headers, 300 s request, checked every 30 s) would
// hold every one of these connections far past BOUND_MS.
const HEADERS_TIMEOUT_MS = 500;
const REQUEST_TIMEOUT_MS = 1000;
const KEEP_ALIVE_TIMEOUT_MS = 500;
/** Generous: the timeout, the check interval and Node's keep-alive slack, on a loaded machine. */
const BOUND_MS = 4000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
  });
});
afterAll(() => server.close());

describe("slow and abandoned clients", () => {
  it("cuts a client that trickles header lines and never finishes them, answering 408", async () => {
    const client = rawConnection(server.url);
    await client.connected;
    client.socket.write("GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n");
    trickle(client, "X-Slow: yes\r\n", 100);
    const { afterMs, response } = await closedWithin(client, BOUND_MS);
    expect(afterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("cuts a client that connects and sends nothing", async () => {
    const client = rawConnection(server.url);
    await client.connected;
    const { response } = await closedWithin(client, BOUND_MS);
    expect(response).toMatch(/^(HTTP\/1\.1 408 |$)/);
  });

  it("cuts a REST body declared as 1 GB of which 11 bytes arrive and then a byte at a time", async () => {
    const client = rawConnection(server.url);
    await client.connected;
    client.socket.write(
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
        `Content-Length: ${1024 ** 3}\r\n\r\n{"username"`,
    );
    trickle(client, " ", 100);
    const { response } = await closedWithin(client, BOUND_MS);
    // 408 from the request timeout, or 413 if a body limit answers first; never a held socket.
    expect(response).toMatch(/^(HTTP\/1\.1 (408|413) |$)/);
  });

  it("cuts a tRPC body that arrives a byte at a time, answering 408", async () => {
    const client = rawConnection(server.url);
    await client.connected;
    client.socket.write(
      "POST /trpc/auth.login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
    );
    trickle(client, " ", 100);
    const { afterMs, response } = await closedWithin(client, BOUND_MS);
    expect(afterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("closes a kept-alive socket that stays idle after its response", async () => {
    const client = rawConnection(server.url);
    await client.connected;
    client.socket.write("GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
    const { response } = await closedWithin(client, BOUND_MS);
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(response).toMatch(/keep-alive/i);
  });
});

describe("connection cap", () => {
  const MAX_CONNECTIONS = 20;
  // Default timeouts here, so the held connections are not cut while the test looks at them.
  let capped: TestServer;
  beforeAll(async () => {
    capped = await startTestServer({ MAX_CONNECTIONS: String(MAX_CONNECTIONS) });
  });
  afterAll(() => capped.close());

  it("refuses connections beyond MAX_CONNECTIONS and keeps serving the ones it holds", async () => {
    const held = Array.from({ length: MAX_CONNECTIONS }, () => rawConnection(capped.url));
    await Promise.all(held.map((client) => client.connected));
    // The server counts a connection once it has accepted it; one request on the last proves all are in.
    const last = held.at(-1);
    last?.socket.write("GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
    await expect.poll(() => last?.received() ?? "", { timeout: BOUND_MS }).toMatch(/^HTTP\/1\.1 200 /);

    const extra = rawConnection(capped.url);
    const { response } = await closedWithin(extra, BOUND_MS);
    expect(response).toBe("");

    const first = held[0];
    first?.socket.write("GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
    await expect.poll(() => first?.received() ?? "", { timeout: BOUND_MS }).toMatch(/^HTTP\/1\.1 200 /);
    for (const client of held) client.socket.destroy();
  });
});
