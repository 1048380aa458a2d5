import type { IncomingMessage, ServerResponse } from "node:http";
import { appRouter, pushOf, successStatusFor, toPublicError } from "@cadence/api";
import { getTRPCErrorFromUnknown } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { BodyError, readJsonBody } from "../http/json-body.js";
import { sendError, sendJsonText } from "../http/json-response.js";
import type { ContextFactory } from "../http/request-info.js";
import { noneMatch, sendNotModified } from "./conditional.js";
import { pushEventStream } from "./event-push.js";
import { writeEventStream } from "./event-stream.js";
import { sendFile, type FileOutput } from "./file-response.js";
import { readRawBody } from "./raw-body.js";
import { addParams, emptyInput } from "./input.js";
import { compileRoutes, type Route, type RouteMatch } from "./routes.js";

export const REST_PREFIX = "/api/v1";

export interface RestOptions {
  contextFor: ContextFactory;
  onServerError: (error: unknown, path: string | undefined, requestId?: string) => void;
  /** Told which route a request matched (the access log and metrics label it by the route's template). */
  onRoute?: (req: IncomingMessage, route: Route) => void;
  /** Largest request body in bytes (BODY_LIMIT). */
  bodyLimit: number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/*
 * A procedure's input is nothing for a procedure without input; else the JSON body (never coerced) or the query
 * string, with the path parameters on top. Only path and query strings are converted to their documented types.
 */

/** The input of a route without a body (every GET): synchronous, so it reaches its procedure without waiting a tick. */
function queryInputOf(match: RouteMatch): unknown {
  const { route, params, query } = match;
  if (route.input.none) return undefined;
  const input = emptyInput();
  addParams(route.input, input, query);
  addParams(route.input, input, params);
  return input;
}

/** A route that reads the body: JSON, or raw bytes for a `rawBody` route. */
async function bodyInputOf(req: IncomingMessage, match: RouteMatch, bodyLimit: number): Promise<unknown> {
  const { route, params } = match;
  if (route.meta.rawBody) return Object.assign(emptyInput(), await readRawBody(req, bodyLimit, route.meta.rawBody), params);
  const body = await readJsonBody(req, bodyLimit);
  if (route.input.none) return undefined;
  const input = emptyInput();
  if (isPlainObject(body)) {
    // The path names the resource: a body field of the same name would be silently overridden, so refuse it.
    const clash = Object.keys(params).find((name) => Object.hasOwn(body, name));
    if (clash !== undefined) throw new BodyError(400, "BAD_REQUEST", `${clash} is given by the path and cannot be sent in the body`);
    Object.assign(input, body);
  } else if (body !== undefined) throw new BodyError(400, "BAD_REQUEST", "Request body must be a JSON object");
  addParams(route.input, input, params);
  return input;
}

/**
 * The REST surface: every procedure with an `openapi` route, under {@link REST_PREFIX}. Each request calls its
 * procedure directly, so middleware, authentication, rate limits, output validation and the error formatter run
 * exactly as on /trpc; errors answer `{code, message, issues?}` with the status tRPC gives their code.
 */
export function createRestHandler(options: RestOptions) {
  const { contextFor, onServerError, onRoute, bodyLimit } = options;
  const routes = compileRoutes(appRouter);

  return async (req: IncomingMessage, res: ServerResponse, path: string, notFound: () => void): Promise<void> => {
    const method = req.method ?? "GET";
    const url = (req.url ?? "/").slice(REST_PREFIX.length) || "/";
    // HEAD is GET without the body (Node leaves the body out of a HEAD response), as HTTP requires of a GET path.
    const match = routes.find(method === "HEAD" ? "GET" : method, url);
    if (!match) {
      const allowed = routes.allowedMethods(url);
      if (allowed.length === 0) return notFound();
      const allow = allowed.join(", ");
      return sendError(res, 405, { code: "METHOD_NOT_SUPPORTED", message: `${method} is not allowed on ${path}; use ${allow}` }, { allow });
    }

    const { route } = match;
    onRoute?.(req, route);
    const ctx = contextFor(req, res);
    // A stream ends when its client leaves; refusals (404, 429...) still answer as JSON before it starts.
    const abort = route.type === "subscription" ? new AbortController() : undefined;
    if (abort) res.once("close", () => abort.abort());
    try {
      const input = route.meta.rawBody || route.readsBody ? await bodyInputOf(req, match, bodyLimit) : queryInputOf(match);
      const lastEventId = req.headers["last-event-id"];
      if (route.type === "subscription" && typeof lastEventId === "string" && lastEventId !== "") Object.assign(input as object, { lastEventId });
      const data: unknown = await route.procedure({
        ctx,
        getRawInput: () => Promise.resolve(input),
        path: route.path,
        type: route.type,
        signal: abort?.signal,
        batchIndex: 0,
      });
      if (abort) {
        const push = pushOf(data);
        const onStreamError = (error: unknown) => onServerError(error, route.path, ctx.requestId);
        if (method !== "HEAD") return await (push ? pushEventStream(res, push, abort, onStreamError) : writeEventStream(res, data, abort, onStreamError));
        abort.abort();
        res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
        return void res.end();
      }
      const status = successStatusFor(route.path, data);
      if (route.meta.location) res.setHeader("location", route.meta.location(data));
      if (route.meta.fileResponse) {
        const file = data as FileOutput;
        if (route.tagger) {
          const tag = route.tagger(file, file.content);
          res.setHeader("etag", tag);
          if (noneMatch(req.headers["if-none-match"], tag)) return sendNotModified(res, tag, file.content);
        }
        return sendFile(res, file);
      }
      if (status === 204 || data === undefined) {
        res.writeHead(status);
        res.end();
        return;
      }
      const json = JSON.stringify(data);
      if (route.tagger && status === 200) {
        const tag = route.tagger(data, json);
        res.setHeader("etag", tag);
        if (route.type === "query" && noneMatch(req.headers["if-none-match"], tag)) return sendNotModified(res, tag, json);
      }
      sendJsonText(res, status, json);
    } catch (cause) {
      if (cause instanceof BodyError) {
        // A refused body may still be arriving: close the connection rather than drain it.
        return sendError(res, cause.status, { code: cause.code, message: cause.message }, cause.status === 413 ? { connection: "close" } : {});
      }
      const error = getTRPCErrorFromUnknown(cause);
      if (error.code === "INTERNAL_SERVER_ERROR") onServerError(error.cause ?? error, route.path, ctx.requestId);
      sendError(res, getHTTPStatusCodeFromError(error), toPublicError(error));
    }
  };
}
