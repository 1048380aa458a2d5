import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { pushOf } from "@cadence/api";
import { getTRPCErrorFromUnknown, TRPCError, type AnyTRPCRouter } from "@trpc/server";
import { isObservable, observableToAsyncIterable } from "@trpc/server/observable";
import { getErrorShape, isAbortError, isAsyncIterable, isObject } from "@trpc/server/unstable-core-do-not-import";
import { pushEvents } from "../http/event-push.js";
import { BodyError } from "../http/json-body.js";
import type { ContextFactory } from "../http/request-info.js";
import { drained, frameWriter, type FrameWriter } from "../http/sse-bytes.js";
import { callInputs } from "./call-inputs.js";
import type { CallPlan } from "./call-plan.js";
import type { Answer, ErrorSite } from "./envelope.js";
import { guardQuery, refusal } from "./input-guard.js";
import { varyLikeTrpc } from "./send.js";
import { createTrpcFrames, RETURN_FRAME, PING_FRAME, validLastEventId } from "./subscription-frames.js";

type RootConfig = AnyTRPCRouter["_def"]["_config"];

export interface TrpcSubscriptionOptions {
  router: AnyTRPCRouter;
  contextFor: ContextFactory;
  onError: (error: TRPCError, path: string | undefined, requestId?: string) => void;
  bodyLimit: number;
  /** tRPC's answer to a request that failed before any call (here: the context could not be made). */
  requestError: (error: TRPCError, type: ErrorSite["type"]) => Answer;
  /** Sends a JSON answer as the fast path does. */
  sendJson: (res: ServerResponse, answer: Answer) => void;
}

/** The headers tRPC's adapter answers a subscription with (its `sseHeaders`). */
const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no", connection: "keep-alive" };

/** The last event id a reconnecting client sends, where tRPC's adapter reads it (header first, then the query). */
function lastEventIdOf(req: IncomingMessage, params: URLSearchParams): string | null {
  const header = req.headers["last-event-id"];
  return (typeof header === "string" ? header : undefined) ?? params.get("lastEventId") ?? params.get("Last-Event-Id");
}

/**
 * tRPC subscriptions (httpSubscriptionLink's GET) served as tRPC 11's adapter serves them, byte for byte (see the
 * conformance test), without its Fetch bridge: the adapter pipes each message through web streams (a
 * ReadableStream, a TransformStream, a TextEncoderStream), three writes and a dozen promises per message and
 * subscriber, which saturated a core at 200 subscribers of a busy project. A subscription that can be pushed (the
 * project feed, as on REST) gets each batch the hub fans out as one buffer shared by every stream; any other is
 * iterated. `supported` is false when the router's SSE options ask for what this does not do (then the adapter serves).
 */
export function createTrpcSubscriptions(options: TrpcSubscriptionOptions) {
  const { router, contextFor, onError, bodyLimit } = options;
  const config: RootConfig = router._def._config;
  const sse = config.sse ?? {};
  const frames = createTrpcFrames((value) => config.transformer.output.serialize(value));
  const connected = frames.connected(sse.client ?? {});
  const ping = sse.ping?.enabled ? { frame: PING_FRAME, ms: sse.ping.intervalMs ?? 1000 } : undefined;
  const supported = (sse.enabled ?? true) && sse.maxDurationMs === undefined && !sse.emitAndEndImmediately;
  const deserialize = (input: unknown): unknown => config.transformer.input.deserialize(input);

  /** Ends a started stream, after a `serialized-error` message when it failed (a procedure's error or a later one). */
  function finish(res: ServerResponse, send: FrameWriter, error: unknown, site: ErrorSite): void {
    if (error !== undefined && !isAbortError(error)) {
      const trpcError = getTRPCErrorFromUnknown(error);
      onError(trpcError, site.path, site.ctx?.requestId);
      send(frames.error(getErrorShape({ config, error: trpcError, ...site })));
    }
    res.end();
  }

  async function iterate(res: ServerResponse, send: FrameWriter, items: AsyncIterable<unknown>, lastEventId: string | null): Promise<void> {
    let last = validLastEventId(lastEventId);
    for await (const value of items) {
      if (res.destroyed) return;
      const { frame, lastEventId: next } = frames.item(value, last);
      last = next;
      if (!send(frame)) await drained(res);
    }
    send(RETURN_FRAME);
  }

  async function serve(call: CallPlan, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, procedure } = call.calls[0] ?? { path: "", procedure: undefined };
    let ctx: ReturnType<ContextFactory>;
    try {
      ctx = contextFor(req, res);
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      onError(error, undefined);
      return options.sendJson(res, options.requestError(error, "subscription"));
    }
    const abort = new AbortController();
    res.once("close", () => abort.abort());
    const inputs = callInputs(call.params.get("input"), false, 1, deserialize);
    const lastEventId = lastEventIdOf(req, call.params);
    const site: ErrorSite = { type: "subscription", path, input: undefined, ctx };

    let result: unknown;
    let failure: unknown;
    try {
      try {
        guardQuery(req, bodyLimit, call.params);
      } catch (cause) {
        throw cause instanceof BodyError ? refusal(cause, res) : cause;
      }
      if (!procedure) throw new TRPCError({ code: "NOT_FOUND", message: `No procedure found on path "${path}"` });
      result = await procedure({
        path,
        ctx,
        type: "subscription",
        signal: abort.signal,
        batchIndex: 0,
        // As tRPC's adapter: the last event id joins an object input, or is the input when there is none.
        getRawInput: async () => {
          const input = await inputs.read(0);
          if (!lastEventId) return input;
          return isObject(input) ? { ...input, lastEventId } : (input ?? { lastEventId });
        },
      });
      if (!isObservable(result) && !isAsyncIterable(result)) {
        throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `Subscription ${path} did not return an observable or a AsyncGenerator` });
      }
    } catch (cause) {
      failure = cause;
    }
    site.input = inputs.parsed(0);

    const headers: OutgoingHttpHeaders = { ...SSE_HEADERS };
    varyLikeTrpc(res, headers);
    res.writeHead(200, headers);
    // Through the response, so the head goes out first; later frames go straight to the socket.
    res.write(connected.bare);
    const send = frameWriter(res);
    if (failure !== undefined) return finish(res, send, failure, site);

    const push = pushOf(result);
    if (push) {
      return pushEvents(res, send, push, abort, {
        batch: frames.batch,
        heartbeat: ping?.frame,
        heartbeatMs: ping?.ms,
        end: (response, error) => finish(response, send, error, site),
      });
    }
    const heartbeat = ping ? setInterval(() => send(ping.frame), ping.ms) : undefined;
    try {
      const items = isObservable(result) ? observableToAsyncIterable(result, abort.signal) : (result as AsyncIterable<unknown>);
      await iterate(res, send, items, lastEventId);
      failure = undefined;
    } catch (cause) {
      failure = cause;
    } finally {
      clearInterval(heartbeat);
      abort.abort();
    }
    finish(res, send, failure, site);
  }

  return { supported, serve };
}
