import { expect } from "vitest";
import { sendRaw, type RawAnswer, type RawRequest } from "./raw-http.js";
import { startTestServer, type TestServer } from "./server.js";

/**
 * Two servers over one database, each with its own rate limiters: `fast` as configured (plain-JSON tRPC calls on
 * the fast path) and `standard` with every tRPC call going through tRPC's own adapter. Sending both the same
 * requests in the same order keeps their limiter counts in step.
 */
export interface TrpcTwins {
  fast: TestServer;
  standard: TestServer;
  close(): Promise<void>;
}

export async function startTrpcTwins(env: Record<string, string>, database: TestServer): Promise<TrpcTwins> {
  const fast = await startTestServer(env, { shareDatabaseWith: database });
  const standard = await startTestServer(env, { shareDatabaseWith: database, trpcFastPath: false });
  return { fast, standard, close: async () => void (await Promise.all([fast.close(), standard.close()])) };
}

/**
 * Who must have answered: the fast path (one write with Content-Length) or tRPC's adapter (chunked); "either"
 * where framing cannot tell (no body, or the adapter's own last-resort answer, which is one write too).
 */
export type Served = "fast" | "adapter" | "either";

/** Headers that differ by framing or clock only; the clock-bound ones are compared to the second below. */
const FRAMING = new Set(["date", "content-length", "transfer-encoding", "ratelimit-reset", "retry-after"]);
const SECONDS = ["ratelimit-reset", "retry-after"];

function comparable(answer: RawAnswer, normalize: (body: string) => string) {
  const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !FRAMING.has(name)));
  return { status: answer.status, headers, body: normalize(answer.body) };
}

function framing(answer: RawAnswer): "fast" | "adapter" | "none" {
  if (answer.headers["transfer-encoding"] === "chunked") return "adapter";
  return answer.headers["content-length"] === undefined ? "none" : "fast";
}

/** Ids and timestamps a create generates anew on each server. */
export function withoutGenerated(body: string): string {
  return body
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>");
}

let requestCount = 0;

/**
 * Sends the request to both servers (fast first) with the same X-Request-ID and asserts the same status, headers
 * and body; RateLimit-Reset and Retry-After may differ by the second boundary between the two servers' clocks.
 * Returns the fast path's answer for further checks.
 */
export async function expectSameAnswer(
  twins: TrpcTwins,
  request: RawRequest | ((server: TestServer) => RawRequest),
  served: Served,
  normalize: (body: string) => string = (body) => body,
): Promise<RawAnswer> {
  const requestId = `conformance-${++requestCount}`;
  const build = (server: TestServer): RawRequest => {
    const raw = typeof request === "function" ? request(server) : request;
    return { ...raw, headers: { "x-request-id": requestId, ...raw.headers } };
  };
  const fast = await sendRaw(twins.fast.url, build(twins.fast));
  const standard = await sendRaw(twins.standard.url, build(twins.standard));

  expect(comparable(fast, normalize)).toEqual(comparable(standard, normalize));
  for (const name of SECONDS) {
    expect(fast.headers[name] === undefined, name).toBe(standard.headers[name] === undefined);
    expect(Math.abs(Number(fast.headers[name] ?? 0) - Number(standard.headers[name] ?? 0)), name).toBeLessThanOrEqual(1);
  }
  if (served !== "either" && fast.body !== "") {
    expect(framing(standard), "tRPC's adapter writes chunks").toBe("adapter");
    expect(framing(fast), "who answered").toBe(served);
  }
  return fast;
}
