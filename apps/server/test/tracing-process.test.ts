import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProxyTracerProvider, trace } from "@opentelemetry/api";
import { createMigratedPgliteDataDir } from "@cadence/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../src/config/env.js";
import { startTracing, tracingOptionsFrom } from "../src/observability/tracing.js";
import { openTestDatabase, type TestDatabase } from "./support/database.js";
import { spawnServer, type ServerProcess } from "./support/process.js";

/** The parts of an OTLP/HTTP JSON export this test reads. */
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: { name: string; traceId: string; parentSpanId?: string; kind: number }[] }[];
  }[];
}

/** A stand-in OpenTelemetry collector: records every OTLP/HTTP trace export posted to it. */
function startCollector(): Promise<{ server: Server; url: string; exports: { path: string; body: OtlpExport }[] }> {
  const exports: { path: string; body: OtlpExport }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      exports.push({ path: req.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString()) as OtlpExport });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exports })),
  );
}

let collector: Awaited<ReturnType<typeof startCollector>>;
let backing: TestDatabase | undefined;
let dataDir: string | undefined;
let server: ServerProcess;

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

beforeAll(async () => {
  collector = await startCollector();
  // PostgreSQL runs: a copy of the test database; embedded runs: a data directory that starts migrated.
  backing = process.env.DATABASE_URL ? await openTestDatabase() : undefined;
  await backing?.handle.close();
  if (!backing) {
    dataDir = mkdtempSync(join(tmpdir(), "cadence-tracing-"));
    await createMigratedPgliteDataDir(dataDir);
  }
  const database: Record<string, string> = backing ? { DATABASE_URL: backing.url ?? "" } : { DATA_DIR: dataDir ?? "" };
  server = spawnServer({
    PORT: "0",
    NODE_ENV: "test",
    ...database,
    OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.url}/`,
    OTEL_SERVICE_NAME: "cadence-e2e",
  });
});

afterAll(async () => {
  if (server.child.exitCode === null) server.child.kill("SIGKILL");
  await new Promise((resolve) => collector.server.close(resolve));
  await backing?.dispose();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("tracing of a server process", () => {
  it("with OTEL_EXPORTER_OTLP_ENDPOINT set, exports the spans of a request over OTLP by the time it has stopped", async () => {
    const [, url] = await server.waitFor(LISTENING, 60_000);
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const res = await fetch(`${url}/api/v1/ready`, { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    expect(res.status).toBe(200);
    const anonymous = await fetch(`${url}/api/v1/users/me`, { headers: { traceparent: `00-${traceId}-c7ad6b7169203332-01` } });
    expect(anonymous.status).toBe(401);
    server.child.kill("SIGTERM");
    expect(await server.exited).toEqual({ code: 0, signal: null });

    expect(collector.exports.map((e) => e.path)).toContain("/v1/traces");
    const resources = collector.exports.flatMap((e) => e.body.resourceSpans);
    const serviceNames = resources.flatMap((r) => r.resource.attributes.filter((a) => a.key === "service.name").map((a) => a.value.stringValue));
    expect(new Set(serviceNames)).toEqual(new Set(["cadence-e2e"]));
    const spans = resources.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).filter((span) => span.traceId === traceId);
    const http = spans.find((span) => span.parentSpanId === "b7ad6b7169203331");
    expect(http?.name).toBe("GET");
    expect(spans.map((span) => span.name)).toContain("health.ready");
    expect(spans.some((span) => span.name.startsWith("SELECT"))).toBe(true);

    // Log lines written inside a traced request name its trace.
    const accessLines = server
      .stdout()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { msg?: string; path?: string; trace_id?: string });
    const access = accessLines.find((line) => line.msg === "request" && line.path === "/api/v1/users/me");
    expect(access?.trace_id).toBe(traceId);
  });

  it("without OTEL_EXPORTER_OTLP_ENDPOINT, registers no SDK: every tracer stays the API's no-op", async () => {
    const tracing = await startTracing(tracingOptionsFrom(loadEnv({ NODE_ENV: "test" })));
    expect(tracing).toBeUndefined();
    const provider = trace.getTracerProvider();
    expect(provider).toBeInstanceOf(ProxyTracerProvider);
    expect((provider as ProxyTracerProvider).getDelegate().constructor.name).toBe("NoopTracerProvider");
    expect(trace.getTracer("any").startSpan("any").isRecording()).toBe(false);
  });
});
