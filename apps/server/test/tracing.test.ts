import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loadEnv } from "../src/config/env.js";
import { startTracing, traceFields, type Tracing } from "../src/observability/tracing.js";
import { silentLogger } from "../src/observability/logger.js";
import { startServer } from "../src/start.js";
import { loginAdmin } from "./support/admin.js";
import { bearer, json } from "./support/auth.js";
import { openTestDatabase } from "./support/database.js";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "./support/server.js";

/**
 * Tracing on, with spans handed to an in-memory exporter instead of OTLP (tests/tracing-process.test.ts covers the
 * OTLP path of a real process). The SDK is global to this worker, so it is shut down, and unregistered, after.
 */
let exporter: InMemorySpanExporter;
let tracing: Tracing | undefined;
let server: TestServer;
let token: string;

beforeAll(async () => {
  exporter = new InMemorySpanExporter();
  tracing = await startTracing({ serviceName: "cadence-test", exporter });
  server = await startTestServer();
  token = (await loginAdmin(server)).accessToken;
});

afterAll(async () => {
  await server?.close();
  await tracing?.shutdown();
});

// Each test reads only its own requests' spans.
beforeEach(() => exporter.reset());

const spans = () => exporter.getFinishedSpans();
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** The server span of the request to `path` once it has ended (after the response is sent), and its trace. */
async function requestTrace(path: string): Promise<{ server: ReadableSpan; trace: ReadableSpan[] }> {
  const server = await vi.waitFor(() => {
    const found = spans().find((span) => span.kind === SpanKind.SERVER && span.attributes["url.path"] === path);
    if (!found) throw new Error(`no server span for ${path} yet`);
    return found;
  });
  return { server, trace: spans().filter((span) => span.spanContext().traceId === server.spanContext().traceId) };
}

/** The procedure span under the server span, and the database spans under the procedure span. */
function procedureTree(server: ReadableSpan, trace: ReadableSpan[], procedure: string) {
  const procedureSpan = trace.find((span) => span.name === procedure);
  expect(procedureSpan, `a ${procedure} span`).toBeDefined();
  const call = procedureSpan as ReadableSpan;
  expect(parentOf(call)).toBe(server.spanContext().spanId);
  const queries = trace.filter((span) => span.kind === SpanKind.CLIENT && parentOf(span) === call.spanContext().spanId);
  return { call, queries };
}

describe("tracing with an SDK registered", () => {
  it("gives a REST call a server span, a procedure span under it and database spans under that", async () => {
    const res = await server.rest("/projects", bearer(token));
    expect(res.status).toBe(200);
    const { server: http, trace } = await requestTrace("/api/v1/projects");
    expect(http.attributes["http.request.method"]).toBe("GET");
    expect(http.attributes["http.response.status_code"]).toBe(200);
    expect(parentOf(http)).toBeUndefined();
    const { call, queries } = procedureTree(http, trace, "projects.list");
    expect(call.attributes).toMatchObject({ "rpc.method": "projects.list", "rpc.system.name": "trpc" });
    expect(call.status.code).toBe(SpanStatusCode.UNSET);
    expect(queries.length).toBeGreaterThan(0);
    for (const query of queries) {
      expect(query.attributes["db.system.name"]).toBe("postgresql");
      expect(query.attributes["db.query.text"]).toEqual(expect.any(String));
    }
    expect(queries.map((query) => query.attributes["db.operation.name"])).toContain("SELECT");
    // A real server has an address; the embedded database runs in this process and has none.
    const onPostgres = Boolean(process.env.DATABASE_URL);
    expect(queries[0]?.attributes["server.address"] !== undefined).toBe(onPostgres);
    expect(typeof queries[0]?.attributes["server.port"]).toBe(onPostgres ? "number" : "undefined");
  });

  it("gives a tRPC call through the client the same server, procedure and database spans", async () => {
    await server.trpc(token).projects.list.query({});
    const { server: http, trace } = await requestTrace("/trpc/projects.list");
    const { queries } = procedureTree(http, trace, "projects.list");
    expect(queries.length).toBeGreaterThan(0);
  });

  it("names statements by operation and table and sends placeholders, never the values bound to them", async () => {
    const marker = `trace-marker-${Date.now()}`;
    const res = await server.rest("/projects", json("POST", { name: marker }, token));
    expect(res.status).toBe(201);
    const { server: http, trace } = await requestTrace("/api/v1/projects");
    const { queries } = procedureTree(http, trace, "projects.create");
    const insert = queries.find((query) => query.attributes["db.operation.name"] === "INSERT");
    expect(insert?.name).toMatch(/^INSERT projects/);
    expect(insert?.attributes["db.collection.name"]).toBeDefined();
    for (const query of queries) expect(JSON.stringify(query.attributes)).not.toContain(marker);
  });

  it("keeps the names of query parameters on the server span and redacts their values", async () => {
    const input = encodeURIComponent(JSON.stringify({ q: "private words" }));
    const res = await fetch(`${server.url}/trpc/projects.list?input=${input}`, bearer(token));
    expect(res.status).toBe(200);
    const { server: http } = await requestTrace("/trpc/projects.list");
    expect(http.attributes["url.query"]).toBe("input=REDACTED");
  });

  it("continues the caller's trace from an incoming traceparent header", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const callerSpanId = "00f067aa0ba902b7";
    const res = await server.rest("/projects", bearer(token, { headers: { traceparent: `00-${traceId}-${callerSpanId}-01` } }));
    expect(res.status).toBe(200);
    const http = await vi.waitFor(() => {
      const found = spans().find((span) => span.kind === SpanKind.SERVER && span.spanContext().traceId === traceId);
      if (!found) throw new Error("no server span in the caller's trace yet");
      return found;
    });
    expect(parentOf(http)).toBe(callerSpanId);
    const inTrace = spans().filter((span) => span.spanContext().traceId === traceId);
    const { queries } = procedureTree(http, inTrace, "projects.list");
    expect(queries.length).toBeGreaterThan(0);
  });

  it("leaves a procedure span unmarked when the caller gets a 4xx", async () => {
    const unauthorized = await server.rest("/projects");
    expect(unauthorized.status).toBe(401);
    const { server: http, trace } = await requestTrace("/api/v1/projects");
    const { call } = procedureTree(http, trace, "projects.list");
    expect(call.status.code).toBe(SpanStatusCode.UNSET);
    expect(call.events).toEqual([]);
  });

  it("marks a procedure span as failed, with the exception, when the server answers 5xx", async () => {
    const database = await openTestDatabase({ pooled: false });
    const broken = await startServer(loadEnv({ NODE_ENV: "test", PORT: "0", JWT_SECRET: TEST_JWT_SECRET, PASSWORD_HASH_COST: "test" }), {
      database: database.handle,
      logger: silentLogger(),
    });
    try {
      await database.handle.close();
      const res = await fetch(`${broken.url}/api/v1/auth/login`, json("POST", { username: "someone", password: "any-password" }));
      expect(res.status).toBeGreaterThanOrEqual(500);
      const { server: http, trace } = await requestTrace("/api/v1/auth/login");
      const { call } = procedureTree(http, trace, "auth.login");
      expect(call.status.code).toBe(SpanStatusCode.ERROR);
      expect(call.events.map((event) => event.name)).toContain("exception");
    } finally {
      await broken.stop();
      await database.dispose();
    }
  });

  it("puts the active span's ids on log fields", () => {
    const fields = trace.getTracer("test").startActiveSpan("log line", (span) => {
      const inside = traceFields();
      span.end();
      return { inside, ids: span.spanContext() };
    });
    expect(fields.inside).toEqual({ trace_id: fields.ids.traceId, span_id: fields.ids.spanId });
    expect(traceFields()).toEqual({});
  });
});
