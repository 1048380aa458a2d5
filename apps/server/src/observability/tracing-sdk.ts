import { IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import { context, propagation, trace, type Span } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider, type SpanProcessor } from "@opentelemetry/sdk-trace";
import { ATTR_SERVICE_NAME, ATTR_URL_QUERY } from "@opentelemetry/semantic-conventions";
import type { Tracing, TracingOptions } from "./tracing.js";

function processorFor(options: TracingOptions): SpanProcessor {
  if (options.exporter) return new SimpleSpanProcessor({ exporter: options.exporter });
  const url = `${(options.endpoint ?? "").replace(/\/+$/, "")}/v1/traces`;
  return new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }) });
}

/** Query strings can carry secrets, so a server span keeps their parameter names and redacts every value. */
function redactQuery(span: Span, request: unknown): void {
  if (!(request instanceof IncomingMessage)) return;
  const query = request.url?.split("?")[1];
  if (!query) return;
  const names = [...new URLSearchParams(query).keys()];
  span.setAttribute(ATTR_URL_QUERY, names.map((name) => `${encodeURIComponent(name)}=REDACTED`).join("&"));
}

/**
 * The OpenTelemetry SDK for this process: W3C `traceparent` in and out, context carried through async calls,
 * server spans for incoming HTTP requests. Loaded only by `startTracing` (tracing.ts) when tracing is on.
 */
export function registerTracing(options: TracingOptions): Tracing {
  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName })),
    spanProcessors: [processorFor(options)],
  });
  if (!trace.setGlobalTracerProvider(provider)) throw new Error("an OpenTelemetry tracer provider is already registered");
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const http = new HttpInstrumentation({ applyCustomAttributesOnSpan: redactQuery });
  const unregister = registerInstrumentations({ instrumentations: [http], tracerProvider: provider });
  // The instrumentation patches node:http when it is next required; an ESM `import` of it does not count, so
  // require it here. Server spans come from the patched http.Server.prototype.emit, shared by every importer.
  createRequire(import.meta.url)("node:http");
  return {
    shutdown: async () => {
      unregister();
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
}
