import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { ApiDeps } from "@cadence/api";
import { createContext, createOpenApiDocument } from "@cadence/api";
import { serveDocs } from "./docs/handler.js";
import { isClientAbort, onAbandoned } from "./http/client-abort.js";
import { describeError } from "./observability/error-log.js";
import { DEFAULT_BODY_LIMIT, declaredTooLarge, tooLarge } from "./http/json-body.js";
import { capConnections, serverOptionsFor, type HttpLimits } from "./http/limits.js";
import { sendError } from "./http/json-response.js";
import { requestInfoOf, type ContextFactory } from "./http/request-info.js";
import { createCors } from "./http/cors.js";
import { createSecurityHeaders } from "./http/security-headers.js";
import { staticBody } from "./http/static-body.js";
import { createRestHandler, REST_PREFIX } from "./rest/handler.js";
import { createTrpcHandler, TRPC_PREFIX } from "./trpc/handler.js";

export interface AppOptions {
  deps: ApiDeps;
  /** Proxy hops whose X-Forwarded-For is trusted for the client IP (0: the socket address). */
  trustProxyHops?: number;
  /** Absolute origin for the OpenAPI `servers` entry; relative `/api/v1` when unset. */
  publicUrl?: string | undefined;
  log?: (line: Record<string, unknown>) => void;
  /** Largest request body in bytes on both surfaces (BODY_LIMIT); 1 MiB when unset. */
  bodyLimit?: number;
  /** Timeouts and the connection cap; Node's defaults when unset. */
  limits?: HttpLimits | undefined;
  /** Origins allowed to call /trpc and /api/v1 from a browser (CORS_ORIGINS); same-origin only when empty. */
  corsOrigins?: readonly string[];
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * Composes the HTTP surfaces on one node:http server: /trpc, /api/v1, /openapi.json, /docs and a JSON 404.
 * Holds no business rules; the router does.
 */
export function createApp(options: AppOptions): Server {
  const log = options.log ?? ((line) => console.error(JSON.stringify(line)));
  // A client abort surfaces as an error on whichever path was reading the request; it is not the server's.
  const onServerError = (error: unknown, path: string | undefined) => {
    if (!isClientAbort(error)) log({ level: "error", msg: "unhandled error", path, ...describeError(error) });
  };

  const hops = options.trustProxyHops ?? 0;
  const contextFor: ContextFactory = (req, res) => createContext(options.deps, requestInfoOf(req, res, hops));
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const trpc = createTrpcHandler(contextFor, onServerError, bodyLimit);
  const rest = createRestHandler({ contextFor, onServerError, bodyLimit });
  const openApiDocument = Buffer.from(JSON.stringify(createOpenApiDocument({ baseUrl: `${options.publicUrl ?? ""}${REST_PREFIX}` })));
  const openApiJson = staticBody(() => openApiDocument);
  const secure = createSecurityHeaders(options.publicUrl);
  const cors = createCors(options.corsOrigins ?? []);

  const notFound = (req: IncomingMessage, res: ServerResponse, path: string) =>
    sendError(res, 404, { code: "NOT_FOUND", message: `No route for ${req.method ?? "GET"} ${path}` });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("x-request-id", requestInfoOf(req, res, hops).requestId);
    secure(res);
    const path = pathOf(req);
    const readOnly = req.method === "GET" || req.method === "HEAD";
    if (cors && (under(path, TRPC_PREFIX) || under(path, REST_PREFIX)) && cors(req, res)) return;

    if (under(path, TRPC_PREFIX)) return trpc(req, res);
    // One body limit everywhere; /trpc checks it itself to answer in its own envelope.
    if (declaredTooLarge(req, bodyLimit)) {
      const { status, code, message } = tooLarge(bodyLimit);
      return sendError(res, status, { code, message }, { connection: "close" });
    }
    if (under(path, REST_PREFIX)) return rest(req, res, path, () => notFound(req, res, path));
    if (path === "/openapi.json" && readOnly) {
      return openApiJson.send(req, res, { "content-type": "application/json; charset=utf-8", "cache-control": "no-cache" });
    }
    if (readOnly && (await serveDocs(req, res, path))) return;
    notFound(req, res, path);
  }

  const server = createServer(options.limits ? serverOptionsFor(options.limits) : {}, (req, res) => {
    const handled = handle(req, res).catch((error: unknown) => {
      onServerError(error, pathOf(req));
      if (!res.headersSent) sendError(res, 500, { code: "INTERNAL_SERVER_ERROR", message: "Internal server error" });
      else res.destroy();
    });
    onAbandoned(res, handled, () => log({ level: "debug", msg: "client closed the connection mid-request", path: pathOf(req) }));
  });
  return options.limits ? capConnections(server, options.limits) : server;
}
