import { TRPCError, transformTRPCResponse, type AnyTRPCRouter, type TRPCProcedureType } from "@trpc/server";
import { getHTTPStatusCode } from "@trpc/server/http";
import type { TRPCResponse } from "@trpc/server/rpc";
import { defaultTransformer, getErrorShape, isAsyncIterable, isObject, isPromise, TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/unstable-core-do-not-import";

type RootConfig = AnyTRPCRouter["_def"]["_config"];
type Ctx = RootConfig["$types"]["ctx"];

/** How one call ended: its procedure's output, or the error it threw (already a TRPCError). */
export type CallOutcome = { ok: true; data: unknown } | { ok: false; error: TRPCError };

/** Where an error happened, as tRPC's error formatter sees it. */
export interface ErrorSite {
  type: TRPCProcedureType | "unknown";
  path: string | undefined;
  input: unknown;
  ctx: Ctx | undefined;
}

const FALLBACK_SHAPE = {
  code: TRPC_ERROR_CODES_BY_KEY.INTERNAL_SERVER_ERROR,
  message: "Internal server error",
  data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500 },
};

/** A response body and status, as tRPC 11 would answer them. */
export interface Answer {
  status: number;
  body: string;
}

/**
 * What tRPC refuses to send without streaming: an async iterable, or an object with promises or async iterables
 * among its own values (tRPC's `isDataStream`).
 */
export function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  const values = Object.values(value);
  return values.some(isPromise) || values.some(isAsyncIterable);
}

/** tRPC's answer to a call whose output needs httpBatchStreamLink. */
export function streamOnlyError(): TRPCError {
  return new TRPCError({
    code: "UNSUPPORTED_MEDIA_TYPE",
    message: "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
  });
}

/** A batch call's outcome as tRPC answers it without streaming: stream-like data becomes UNSUPPORTED_MEDIA_TYPE. */
export function settled(outcome: CallOutcome): CallOutcome {
  return outcome.ok && isDataStream(outcome.data) ? { ok: false, error: streamOnlyError() } : outcome;
}

/**
 * Builds tRPC's envelopes with its own helpers: the router's error formatter (`getErrorShape`), its transformer
 * (`transformTRPCResponse`) and its status rule (`getHTTPStatusCode`: one status for all, or 207 when they differ).
 */
export function createEnvelopes(router: AnyTRPCRouter) {
  const config: RootConfig = router._def._config;
  // tRPC's default transformer returns every value as it is, and transformTRPCResponse then only copies the envelope
  // (four object spreads, ~8 µs a call measured on /trpc/health.live): skip it, the JSON is the same.
  const identity = config.transformer === defaultTransformer;
  const serialize = (json: TRPCResponse | TRPCResponse[]): string => JSON.stringify(identity ? json : transformTRPCResponse(config, json));

  // The site is only asked for when there is an error to shape: a success builds nothing for it.
  const response = (outcome: CallOutcome, siteOf: (index: number) => ErrorSite, index: number): TRPCResponse =>
    outcome.ok ? { result: { data: outcome.data } } : { error: getErrorShape({ config, error: outcome.error, ...siteOf(index) }) };

  return {
    /** A single call (httpLink): its envelope, with the status of its error or 200. */
    single(outcome: CallOutcome, siteOf: (index: number) => ErrorSite): Answer {
      const json = response(outcome, siteOf, 0);
      const status = getHTTPStatusCode([json], outcome.ok ? [] : [outcome.error]);
      return { status, body: serialize(json) };
    },
    /** A batch (httpBatchLink): an array of envelopes in call order. */
    batch(outcomes: CallOutcome[], siteOf: (index: number) => ErrorSite): Answer {
      const json = outcomes.map((outcome, index) => response(outcome, siteOf, index));
      const errors = outcomes.map((outcome) => (outcome.ok ? undefined : outcome.error));
      return { status: getHTTPStatusCode(json, errors), body: serialize(json) };
    },
    /** A request-level failure (mixed procedure types, an unserialisable output): one error envelope, no path. */
    request(error: TRPCError, type: ErrorSite["type"], ctx: Ctx | undefined): Answer {
      const json: TRPCResponse = { error: getErrorShape({ config, error, type, path: undefined, input: undefined, ctx }) };
      return { status: getHTTPStatusCode(json, [error]), body: serialize(json) };
    },
    /**
     * The last resort when building an answer threw (tRPC's adapter exception handler): the error shaped without
     * context, or a shape that says nothing when the formatter itself throws.
     */
    internal(error: TRPCError): Answer {
      let shape: unknown;
      try {
        shape = getErrorShape({ config, error, type: "unknown", path: undefined, input: undefined, ctx: undefined });
      } catch {
        shape = FALLBACK_SHAPE;
      }
      const data = isObject(shape) && isObject(shape.data) ? shape.data : {};
      const status = typeof data.httpStatus === "number" ? data.httpStatus : 500;
      return { status, body: serialize({ error: shape } as TRPCResponse) };
    },
  };
}
