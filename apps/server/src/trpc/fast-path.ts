import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { getTRPCErrorFromUnknown, TRPCError, type AnyTRPCRouter, type TRPCProcedureType } from "@trpc/server";
import { BodyError, declaredTooLarge } from "../http/json-body.js";
import type { ContextFactory } from "../http/request-info.js";
import { callInputs } from "./call-inputs.js";
import { createCallPlanner, type CallPlan } from "./call-plan.js";
import { createEnvelopes, isDataStream, settled, streamOnlyError, type Answer, type CallOutcome, type ErrorSite } from "./envelope.js";
import { guardedInput, guardQuery, refusal } from "./input-guard.js";
import { sendTrpcJson, varyLikeTrpc } from "./send.js";
import { createTrpcSubscriptions } from "./subscription.js";

export interface TrpcFastPathOptions {
  router: AnyTRPCRouter;
  /** Where the router is served, such as `/trpc`. */
  prefix: string;
  contextFor: ContextFactory;
  /** Every error a call or request ends with, as the adapter's `onError` gets it. */
  onError: (error: TRPCError, path: string | undefined, requestId?: string) => void;
  bodyLimit: number;
}

/** The method each procedure type answers (tRPC's map without method override); a 405 names it in `Allow`. */
const ACCEPTED: Record<TRPCProcedureType, "GET" | "POST"> = { query: "GET", mutation: "POST", subscription: "GET" };
/** The type a Fetch `Response` gives a string body without one: what tRPC's request-level errors carry. */
const TEXT_PLAIN = "text/plain;charset=UTF-8";

/** A body read as tRPC reads it: decoding UTF-8 drops one leading byte-order mark. */
function withoutBom(text: string | undefined): string | undefined {
  return text?.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Plain-JSON tRPC calls (GET queries, POST mutations, `?batch=1`) answered straight from node:http: procedures are
 * called directly with the request's context, and the answer goes out in one write with its Content-Length. Status,
 * body and headers are tRPC 11's own, built with its helpers (see the conformance test). Returns undefined for a
 * request it leaves to the standard adapter (see {@link createCallPlanner}).
 */
export function createTrpcFastPath(options: TrpcFastPathOptions) {
  const { router, contextFor, onError, bodyLimit } = options;
  const plan = createCallPlanner(router, options.prefix);
  const envelopes = createEnvelopes(router);
  const transformer = router._def._config.transformer;
  const deserialize = (input: unknown): unknown => transformer.input.deserialize(input);
  const subscriptions = createTrpcSubscriptions({
    router,
    contextFor,
    onError,
    bodyLimit,
    requestError: (error, type) => envelopes.request(error, type, undefined),
    sendJson: (res, { status, body }) => {
      const headers: OutgoingHttpHeaders = { "content-type": "application/json" };
      varyLikeTrpc(res, headers);
      sendTrpcJson(res, status, headers, body);
    },
  });

  async function answer(call: CallPlan, req: IncomingMessage, res: ServerResponse, headers: OutgoingHttpHeaders): Promise<Answer> {
    let refused: TRPCError | undefined;
    let text: string | null | undefined;
    try {
      // A GET is checked without an await: no body to read, so no tick to wait.
      if (call.method === "GET") {
        guardQuery(req, bodyLimit, call.params);
        text = call.params.get("input");
      } else text = withoutBom(await guardedInput(req, bodyLimit, call.params));
    } catch (cause) {
      refused = cause instanceof BodyError ? refusal(cause, res) : getTRPCErrorFromUnknown(cause);
    }
    if (call.types.length > 1) {
      const error = new TRPCError({ code: "BAD_REQUEST", message: `Cannot mix procedure types in call: ${call.types.join(", ")}` });
      onError(error, undefined);
      return envelopes.request(error, "unknown", undefined);
    }

    let ctx: ReturnType<ContextFactory> | undefined;
    let ctxError: TRPCError | undefined;
    try {
      ctx = contextFor(req, res);
    } catch (cause) {
      ctxError = getTRPCErrorFromUnknown(cause);
    }
    const inputs = callInputs(text, call.isBatch, call.calls.length, deserialize);
    const site = (index: number): ErrorSite => {
      const planned = call.calls[index];
      return { type: planned?.procedure?._def.type ?? "unknown", path: planned?.path, input: inputs.parsed(index), ctx };
    };

    const outcomes = call.calls.map(async ({ path, procedure }, index): Promise<CallOutcome> => {
      try {
        if (refused) throw refused;
        if (!procedure) throw new TRPCError({ code: "NOT_FOUND", message: `No procedure found on path "${path}"` });
        const type = procedure._def.type;
        if (ACCEPTED[type] !== call.method) {
          headers.allow = ACCEPTED[type];
          throw new TRPCError({ code: "METHOD_NOT_SUPPORTED", message: `Unsupported ${call.method}-request to ${type} procedure at path "${path}"` });
        }
        if (ctxError) throw ctxError;
        const data: unknown = await procedure({ path, getRawInput: () => inputs.read(index), ctx, type, signal: undefined, batchIndex: index });
        return { ok: true, data };
      } catch (cause) {
        const error = getTRPCErrorFromUnknown(cause);
        onError(error, path, ctx?.requestId);
        return { ok: false, error };
      }
    });

    headers["content-type"] = "application/json";
    try {
      if (call.isBatch) return envelopes.batch((await Promise.all(outcomes)).map(settled), site);
      const outcome = await outcomes[0];
      if (!outcome) throw new Error("A tRPC request without a call");
      if (outcome.ok && isDataStream(outcome.data)) throw streamOnlyError();
      return envelopes.single(outcome, site);
    } catch (cause) {
      // What tRPC answers when building the answer itself fails (an output JSON cannot encode, a stream-like one).
      const error = getTRPCErrorFromUnknown(cause);
      onError(error, undefined, ctx?.requestId);
      return envelopes.request(error, call.type, ctx);
    }
  }

  async function serve(call: CallPlan, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (call.method === "HEAD") {
      // tRPC answers every HEAD with an empty 204 (a warm-up probe); an oversized declared body closes the connection.
      if (declaredTooLarge(req, bodyLimit)) res.setHeader("connection", "close");
      return sendTrpcJson(res, 204, {}, undefined);
    }
    const headers: OutgoingHttpHeaders = {};
    const { status, body } = await answer(call, req, res, headers);
    headers["content-type"] ??= TEXT_PLAIN;
    varyLikeTrpc(res, headers);
    // A status a procedure set on the response itself wins, as in tRPC's adapter.
    sendTrpcJson(res, res.statusCode === 200 ? status : res.statusCode, headers, body);
  }

  return (req: IncomingMessage, res: ServerResponse): Promise<void> | undefined => {
    const call = plan(req);
    if (!call) return undefined;
    if (call.type === "subscription" && !subscriptions.supported) return undefined;
    return (call.type === "subscription" ? subscriptions.serve(call, req, res) : serve(call, req, res)).catch((cause: unknown) => {
      const error = getTRPCErrorFromUnknown(cause);
      onError(error, undefined);
      if (res.headersSent) return void res.end();
      const { status, body } = envelopes.internal(error);
      sendTrpcJson(res, status, {}, body);
    });
  };
}
