import { isSpanContextValid, trace } from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace";
import type { Env } from "../config/env.js";

export interface TracingOptions {
  /** OTLP/HTTP collector base URL (OTEL_EXPORTER_OTLP_ENDPOINT): spans are sent to `<endpoint>/v1/traces`. */
  endpoint?: string | undefined;
  /** `service.name` of every span (OTEL_SERVICE_NAME). */
  serviceName: string;
  /** Tests: hand each span to this exporter as it ends (an InMemorySpanExporter) instead of sending OTLP. */
  exporter?: SpanExporter | undefined;
}

/** A registered SDK: `shutdown` flushes pending spans and unregisters everything it installed. */
export interface Tracing {
  shutdown(): Promise<void>;
}

export function tracingOptionsFrom(env: Pick<Env, "OTEL_EXPORTER_OTLP_ENDPOINT" | "OTEL_SERVICE_NAME">): TracingOptions {
  return { endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME };
}

/**
 * Starts OpenTelemetry when there is somewhere to send spans, else does nothing: the SDK is imported only here,
 * on demand, so a server without OTEL_EXPORTER_OTLP_ENDPOINT never loads it and every span in the code stays the
 * API's no-op. Call it before the server's modules load (main.ts does), so node:http is instrumented first.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing | undefined> {
  if (options.endpoint === undefined && options.exporter === undefined) return undefined;
  const { registerTracing } = await import("./tracing-sdk.js");
  return registerTracing(options);
}

/** Ids of the active span for log lines (`trace_id`, `span_id`); empty when tracing is off or no span is active. */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const context = span.spanContext();
  return isSpanContextValid(context) ? { trace_id: context.traceId, span_id: context.spanId } : {};
}
