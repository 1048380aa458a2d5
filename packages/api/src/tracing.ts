import { ProxyTracerProvider, SpanStatusCode, trace, type Span, type Tracer } from "@opentelemetry/api";
import { ATTR_ERROR_TYPE, ATTR_RPC_METHOD, ATTR_RPC_SYSTEM_NAME } from "@opentelemetry/semantic-conventions";
import { getTRPCErrorFromUnknown, type TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";

const TRACER_NAME = "@cadence/api";

/** What a tRPC middleware resolves to, as far as tracing reads it. */
type CallResult = { ok: true } | { ok: false; error: TRPCError };

/** Only server faults mark the span as failed; a 4xx is the caller's mistake, answered as designed. */
function recordFailure(span: Span, error: TRPCError): void {
  if (getHTTPStatusCodeFromError(error) < 500) return;
  span.recordException(error.cause instanceof Error ? error.cause : error);
  span.setAttribute(ATTR_ERROR_TYPE, error.code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
}

/**
 * The tracer of the registered SDK, or undefined when none is registered. Looked up per call, not kept: a provider
 * registered after this module loaded is still the one used. Without an SDK the API would hand out a new proxy
 * tracer and a non-recording span on every call (~2 KB of garbage and a few µs a request, measured on the health
 * paths), so the call then runs without a span at all.
 */
function activeTracer(): Tracer | undefined {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider ? provider.getDelegateTracer(TRACER_NAME) : provider.getTracer(TRACER_NAME);
}

/** Runs one procedure call inside its span: active while it runs, ended when it settles. */
function inProcedureSpan<R extends CallResult>(path: string, run: () => Promise<R>): Promise<R> {
  const tracer = activeTracer();
  if (tracer === undefined) return run();
  return tracer.startActiveSpan(path, { attributes: { [ATTR_RPC_SYSTEM_NAME]: "trpc", [ATTR_RPC_METHOD]: path } }, async (span) => {
    try {
      const result = await run();
      if (!result.ok) recordFailure(span, result.error);
      return result;
    } catch (error) {
      recordFailure(span, getTRPCErrorFromUnknown(error));
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * tRPC middleware: one span per procedure call, named after the procedure (`tasks.list`), active while the
 * procedure runs so its database spans are its children; its parent is whatever is active when the call starts
 * (the HTTP server span). Without an OpenTelemetry SDK registered there is no span.
 */
export function traceProcedure<R extends CallResult>(call: { path: string; next: () => Promise<R> }): Promise<R> {
  return inProcedureSpan(call.path, call.next);
}

/**
 * The same span around an existing middleware, for the first middleware of a chain: each tRPC middleware layer
 * costs a few microseconds of CPU per call (tRPC copies the call's options twice per layer), which a
 * {@link traceProcedure} layer would add to every request even with tracing off; wrapping adds a function call.
 */
export function traced<Call extends { path: string }, R extends CallResult>(middleware: (call: Call) => Promise<R>) {
  return (call: Call): Promise<R> => inProcedureSpan(call.path, () => middleware(call));
}
