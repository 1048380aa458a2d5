import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorIssue, PublicError } from "@cadence/api";
import { appRouter, successStatusFor } from "@cadence/api";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";
import { BodyError, readJsonBody } from "./json-body.js";
import { sendError } from "./json-response.js";
import type { ContextFactory } from "./request-info.js";

export const REST_PREFIX = "/api/v1";

type BridgeErrorBody = { code?: TRPC_ERROR_CODE_KEY; message?: string; data?: { issues?: ErrorIssue[] } };

/**
 * trpc-to-openapi spreads the formatted tRPC shape into its error body and adds raw zod issues. REST clients
 * get exactly `{code, message, issues?}` (issues from our error formatter), so the body is reshaped on the way out.
 */
function reshapeErrorBodies(res: ServerResponse): void {
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  res.end = ((chunk?: unknown) => {
    if (res.statusCode < 400 || typeof chunk !== "string") return end(chunk);
    let body: BridgeErrorBody;
    try {
      body = JSON.parse(chunk) as BridgeErrorBody;
    } catch {
      return end(chunk);
    }
    // A success body with a non-2xx status (readiness answering 503) passes through untouched.
    if (typeof body.code !== "string" || typeof body.message !== "string") return end(chunk);
    const shaped: PublicError = {
      code: body.code,
      message: body.message,
      ...(body.data?.issues ? { issues: body.data.issues } : {}),
    };
    return end(JSON.stringify(shaped));
  }) as ServerResponse["end"];
}

/** The REST surface: every procedure with an `openapi` route, under {@link REST_PREFIX}. */
export function createRestHandler(contextFor: ContextFactory, onServerError: (error: unknown, path: string | undefined) => void) {
  const bridge = createOpenApiNodeHttpHandler({
    router: appRouter,
    createContext: ({ req, res }) => contextFor(req, res as ServerResponse),
    responseMeta: ({ paths, data, errors }) => {
      const path = paths?.[0];
      if (errors.length > 0 || path === undefined) return {};
      return { status: successStatusFor(path, data[0]) };
    },
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") onServerError(error.cause ?? error, path);
    },
  });

  return async (req: IncomingMessage, res: ServerResponse, notFound: () => void): Promise<void> => {
    const method = req.method ?? "GET";
    if (method === "POST" || method === "PUT" || method === "PATCH") {
      try {
        (req as IncomingMessage & { body?: unknown }).body = await readJsonBody(req);
      } catch (error) {
        if (!(error instanceof BodyError)) throw error;
        const code = error.status === 413 ? "PAYLOAD_TOO_LARGE" : "UNSUPPORTED_MEDIA_TYPE";
        sendError(res, error.status, { code, message: error.message });
        return;
      }
      // The body is parsed already; tell the bridge it is JSON so an empty body validates like `{}`.
      req.headers["content-type"] = "application/json";
    }
    reshapeErrorBodies(res);
    req.url = req.url?.slice(REST_PREFIX.length) || "/";
    await bridge(req, res, notFound);
  };
}
