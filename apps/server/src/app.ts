import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { ApiDeps } from "@cadence/api";
import { appRouter, createContext, createOpenApiDocument } from "@cadence/api";
import { serveDocs } from "./docs/handler.js";
import { isClientAbort, onAbandoned } from "./http/client-abort.js";
import { describeError } from "./observability/error-log.js";
import type { Logger } from "./observability/logger.js";
import type { Metrics } from "./observability/metrics.js";
import { createMetricsEndpoint, METRICS_PATH } from "./observability/metrics-endpoint.js";
import { createRequestObserver } from "./observability/request-observer.js";
import { DEFAULT_BODY_LIMIT, declaredTooLarge, tooLarge } from "./http/json-body.js";
import { capConnections, serverOptionsFor, type HttpLimits } from "./http/limits.js";
import { sendError } from "./http/json-response.js";
import { requestInfoOf, type ContextFactory } from "./http/request-info.js";
import { createCors } from "./http/cors.js";
import { createRootHandler } from "./http/root.js";
import { createDefaultHeaders } from "./http/security-headers.js";
import { AppResponse } from "./http/response.js";
import { staticBody } from "./http/static-body.js";
import { createRestHandler, REST_PREFIX } from "./rest/handler.js";
import { createTrpcHandler, TRPC_PREFIX } from "./trpc/handler.js";
import { appendVary } from "./http/vary.js";
import { loadWebApp } from "./web/web-app.js";

export interface AppOptions {
  deps: ApiDeps;
  /** Proxy hops whose X-Forwarded-For is trusted for the client IP (0: the socket address). */
  trustProxyHops?: number;
  /** Absolute origin for the OpenAPI `servers` entry; relative `/api/v1` when unset. */
  publicUrl?: string | undefined;
  /** Access lines, server errors (with the request id and stack) and client aborts (debug). */
  logger: Logger;
  /** Request metrics and `GET /metrics`; unset: no metrics (METRICS_ENABLED=false). */
  metrics?: Metrics | undefined;
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>`. */
  metricsToken?: string | undefined;
  /** Largest request body in bytes on both surfaces (BODY_LIMIT); 1 MiB when unset. */
  bodyLimit?: number;
  /** Timeouts and the connection cap; Node's defaults when unset. */
  limits?: HttpLimits | undefined;
  /** Serve plain-JSON tRPC calls without tRPC's Fetch bridge (default true); the conformance test turns it off. */
  trpcFastPath?: boolean;
  /** Origins allowed to call /trpc and /api/v1 from a browser (CORS_ORIGINS); same-origin only when empty. */
  corsOrigins?: readonly string[];
  /** The built web app (WEB_DIR) served at `/` to browsers; without a build there, `/` is the JSON index only. */
  webDir?: string | undefined;
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
  const { logger } = options;
  // A client abort surfaces as an error on whichever path was reading the request; it is not the server's.
  const onServerError = (error: unknown, path: string | undefined, requestId?: string) => {
    if (!isClientAbort(error)) logger.error({ requestId, path, ...describeError(error) }, "unhandled error");
  };

  const hops = options.trustProxyHops ?? 0;
  const contextFor: ContextFactory = (req, res) => createContext(options.deps, requestInfoOf(req, res, hops));
  const observer = createRequestObserver({
    logger,
    metrics: options.metrics,
    procedures: Object.keys(appRouter._def.procedures),
    trpcPrefix: TRPC_PREFIX,
    infoOf: (req, res, identified) => requestInfoOf(req, res, hops, identified),
  });
  const serveMetrics = options.metrics ? createMetricsEndpoint(options.metrics, options.metricsToken) : undefined;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const trpc = createTrpcHandler({ contextFor, onServerError, bodyLimit, fastPath: options.trpcFastPath });
  const rest = createRestHandler({ contextFor, onServerError, bodyLimit, onRoute: observer.routed });
  const openApiDocument = Buffer.from(JSON.stringify(createOpenApiDocument({ baseUrl: `${options.publicUrl ?? ""}${REST_PREFIX}` })));
  const openApiJson = staticBody(() => openApiDocument);
  const defaultHeaders = createDefaultHeaders(options.publicUrl);
  const cors = createCors(options.corsOrigins ?? []);

  const root = createRootHandler({ rest: REST_PREFIX, trpc: TRPC_PREFIX }, options.publicUrl);
  const web = loadWebApp(options.webDir);

  const notFound = (req: IncomingMessage, res: ServerResponse, path: string) =>
    sendError(res, 404, { code: "NOT_FOUND", message: `No route for ${req.method ?? "GET"} ${path}` });

  // Synchronous up to the surface: the hot paths (/trpc, /api/v1) return their handler's promise without another
  // async frame around it; only the rarely hit pages that await something go through `other`.
  function handle(req: IncomingMessage, res: AppResponse, path: string): Promise<void> | void {
    res.setDefaultHeaders(defaultHeaders(observer.begin(req, res, path).requestId));
    const readOnly = req.method === "GET" || req.method === "HEAD";
    if (cors && (under(path, TRPC_PREFIX) || under(path, REST_PREFIX)) && cors(req, res)) return;

    if (under(path, TRPC_PREFIX)) return trpc(req, res);
    // One body limit everywhere; /trpc checks it itself to answer in its own envelope.
    if (declaredTooLarge(req, bodyLimit)) {
      const { status, code, message } = tooLarge(bodyLimit);
      return sendError(res, status, { code, message }, { connection: "close" });
    }
    if (under(path, REST_PREFIX)) return rest(req, res, path, () => notFound(req, res, path));
    if (path === "/") {
      // Browsers get the web app, clients asking for JSON (or anything: curl's */*) the JSON index.
      if (web) appendVary(res, "Accept");
      if (web && readOnly && web.wantsPage(req)) return web.page(req, res);
      return root(req, res);
    }
    if (path === "/openapi.json" && readOnly) {
      return openApiJson.send(req, res, { "content-type": "application/json; charset=utf-8", "cache-control": "no-cache" });
    }
    if (path === METRICS_PATH && readOnly && serveMetrics) return serveMetrics(req, res);
    if (readOnly) return other(req, res, path);
    notFound(req, res, path);
  }

  async function other(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (await serveDocs(req, res, path)) return;
    if (web && (await web.serve(req, res, path))) return;
    notFound(req, res, path);
  }

  async function serve(req: IncomingMessage, res: AppResponse, path: string): Promise<void> {
    try {
      await handle(req, res, path);
    } catch (error) {
      onServerError(error, path, requestInfoOf(req, res, hops).requestId);
      if (!res.headersSent) sendError(res, 500, { code: "INTERNAL_SERVER_ERROR", message: "Internal server error" });
      else res.destroy();
    }
  }

  const serverOptions = { ...(options.limits ? serverOptionsFor(options.limits) : {}), ServerResponse: AppResponse };
  const server = createServer<typeof IncomingMessage, typeof AppResponse>(serverOptions, (req, res) => {
    const path = pathOf(req);
    const handled = serve(req, res, path);
    // Watched only when the line would be written: a close listener and a settled callback per request otherwise.
    if (!logger.isLevelEnabled("debug")) return;
    onAbandoned(res, handled, () => logger.debug({ requestId: requestInfoOf(req, res, hops).requestId, path }, "client closed the connection mid-request"));
  });
  return options.limits ? capConnections(server, options.limits) : server;
}
