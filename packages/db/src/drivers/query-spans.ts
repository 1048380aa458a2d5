import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_SUMMARY,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_RESPONSE_STATUS_CODE,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from "@opentelemetry/semantic-conventions";

/** Where statements go: the database name and, for a real server, its address (PGlite has none). */
export interface QueryTarget {
  namespace?: string | undefined;
  address?: string | undefined;
  port?: number | undefined;
}

const TRACER_NAME = "@cadence/db";
const OPERATION = /^\s*([a-z]+)/i;
const TABLES = /\b(?:from|join|into|update)\s+"?([a-z_][a-z0-9_]*)"?/gi;

/** `select … from "tasks" inner join "users"` → operation SELECT over tasks and users. */
function describe(text: string): { operation: string | undefined; tables: string[] } {
  const operation = OPERATION.exec(text)?.[1]?.toUpperCase();
  const tables = [...new Set(Array.from(text.matchAll(TABLES), (match) => match[1] as string))];
  return { operation, tables };
}

/**
 * Starts a database client span for one statement under the active span (the procedure's), following the OTel
 * database conventions. Drizzle always sends parameterised statements, so the query text carries placeholders,
 * never values. Returns undefined without an SDK registered: the API's no-op tracer hands back a non-recording
 * span and nothing more is computed.
 */
export function startQuerySpan(target: QueryTarget, text: string): Span | undefined {
  // The tracer is looked up per statement, not kept: a provider registered later (or again) is always the one used.
  const span = trace.getTracer(TRACER_NAME).startSpan("postgresql", { kind: SpanKind.CLIENT });
  if (!span.isRecording()) return undefined;
  const { operation, tables } = describe(text);
  const summary = [operation, ...tables].filter(Boolean).join(" ");
  const attributes: Attributes = {
    [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL,
    [ATTR_DB_QUERY_TEXT]: text,
  };
  if (operation) attributes[ATTR_DB_OPERATION_NAME] = operation;
  if (summary) attributes[ATTR_DB_QUERY_SUMMARY] = summary;
  if (tables.length === 1) attributes[ATTR_DB_COLLECTION_NAME] = tables[0];
  if (target.namespace) attributes[ATTR_DB_NAMESPACE] = target.namespace;
  if (target.address) attributes[ATTR_SERVER_ADDRESS] = target.address;
  if (target.port !== undefined) attributes[ATTR_SERVER_PORT] = target.port;
  span.setAttributes(attributes);
  if (summary) span.updateName(summary);
  return span;
}

/**
 * Ends a statement's span. A failure records its SQLSTATE, not the error's message or detail: those can quote the
 * values of the row (`Key (email)=(…) already exists`).
 */
export function endQuerySpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
    if (code) span.setAttribute(ATTR_DB_RESPONSE_STATUS_CODE, code);
    span.setAttribute(ATTR_ERROR_TYPE, code ?? (error instanceof Error ? error.name : "_OTHER"));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

/** The two callbacks that end `span` when a statement's promise settles, passing its outcome through unchanged. */
export function spanSettlers<T>(span: Span): [(result: T) => T, (error: unknown) => never] {
  return [
    (result) => {
      endQuerySpan(span);
      return result;
    },
    (error) => {
      endQuerySpan(span, error);
      throw error;
    },
  ];
}

/** Runs `run` under a statement span (when tracing is on) and ends the span when its promise settles. */
export function traceQuery<T>(target: QueryTarget, text: string, run: () => Promise<T>): Promise<T> {
  const span = startQuerySpan(target, text);
  if (!span) return run();
  let running: Promise<T>;
  try {
    running = run();
  } catch (error) {
    endQuerySpan(span, error);
    throw error;
  }
  return running.then(...spanSettlers<T>(span));
}
