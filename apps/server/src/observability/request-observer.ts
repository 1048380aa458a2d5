import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestInfo } from "@cadence/api";
import type { Logger } from "./logger.js";
import type { Metrics, RouteLabels } from "./metrics.js";
import { surfaceOf, type Surface } from "./surface.js";
import { trpcProceduresOf } from "./trpc-procedures.js";

export interface RequestObserverOptions {
  logger: Logger;
  /** Unset: metrics are off, only the access log is written. */
  metrics: Metrics | undefined;
  /** Every tRPC procedure path, so their labels are built once. */
  procedures: readonly string[];
  trpcPrefix: string;
  /** The request's transport-neutral facts, with the hook that tells the exchange who called. */
  infoOf(req: IncomingMessage, res: ServerResponse, identified: (callerId: string) => void): RequestInfo;
}

/** One request from arrival to the closing of its response. */
class Exchange {
  readonly started = performance.now();
  /** The REST route, once the REST handler matched one. */
  route: RoutedRoute | undefined;
  callerId: string | undefined;
  info!: RequestInfo;
  readonly identified = (callerId: string) => {
    this.callerId = callerId;
  };
  constructor(
    readonly req: IncomingMessage,
    readonly path: string,
    readonly surface: Surface,
  ) {}
}

/** A REST route as the observer needs it: its template (`/projects/{projectId}/tasks`) and procedure path. */
export interface RoutedRoute {
  template: string;
  path: string;
}

/** The route label of the surfaces that are not routed further (their paths are not a bounded set). */
const FIXED_ROUTE: Record<Exclude<Surface, "trpc" | "rest">, string> = {
  openapi: "/openapi.json",
  docs: "/docs",
  metrics: "/metrics",
  root: "/",
  other: "unmatched",
};

export interface RequestObserver {
  /** Call first for every request: starts its clock, and logs and counts it when its response closes. */
  begin(req: IncomingMessage, res: ServerResponse, path: string): RequestInfo;
  /** The REST handler's hook: which route (and so which template and procedure) a request matched. */
  routed(req: IncomingMessage, route: RoutedRoute): void;
}

const UNMATCHED = "unmatched";

/** The exchange lives on its request, not in a WeakMap (see request-info.ts: a WeakMap kept requests alive). */
const EXCHANGE = Symbol("exchange");
type WithExchange = IncomingMessage & { [EXCHANGE]?: Exchange };

/**
 * The access log and request metrics: one line per request (debug for health, readiness and metrics, else info)
 * with its request id, surface, method, route template or procedures, status, duration, caller and client IP;
 * never the query string or a header. A response the client abandoned is logged with status 499.
 */
export function createRequestObserver(options: RequestObserverOptions): RequestObserver {
  const { logger, metrics, trpcPrefix } = options;
  const labels = new Map<string, RouteLabels>();
  const labelsFor = (surface: string, route: string): RouteLabels => {
    const key = `${surface} ${route}`;
    let found = labels.get(key);
    if (!found) labels.set(key, (found = { surface, route }));
    return found;
  };
  const restLabels = new WeakMap<RoutedRoute, RouteLabels>();
  const restLabelsOf = (route: RoutedRoute, health: boolean): RouteLabels => {
    let found = restLabels.get(route);
    if (!found) restLabels.set(route, (found = labelsFor(health ? "health" : "rest", route.template)));
    return found;
  };
  const procedureLabels = new Map(options.procedures.map((path) => [path, labelsFor("trpc", path)]));
  const trpcPrefixLength = trpcPrefix.length + 1;

  function finish(this: ServerResponse): void {
    const exchange = (this.req as WithExchange)[EXCHANGE];
    if (!exchange) return;
    const seconds = (performance.now() - exchange.started) / 1000;
    const status = this.writableFinished || this.headersSent ? this.statusCode : 499;
    const { req, info, surface, route } = exchange;
    const method = req.method ?? "GET";
    let routeLabels: RouteLabels;
    let procedures: string[] | undefined;
    let quiet = surface === "metrics";
    if (surface === "trpc") {
      procedures = trpcProceduresOf(req.url ?? "", trpcPrefixLength);
      const single = procedures.length === 1 ? procedureLabels.get(procedures[0] ?? "") : undefined;
      routeLabels = single ?? labelsFor("trpc", procedures.length > 1 ? "batch" : UNMATCHED);
      quiet = procedures.length > 0 && procedures.every((path) => path.startsWith("health."));
    } else if (surface === "rest") {
      const health = route?.path.startsWith("health.") ?? false;
      quiet = health;
      routeLabels = route ? restLabelsOf(route, health) : labelsFor("rest", UNMATCHED);
    } else {
      routeLabels = labelsFor(surface, FIXED_ROUTE[surface]);
    }
    metrics?.finished(routeLabels, method, status, seconds);
    const level = quiet ? "debug" : "info";
    if (!logger.isLevelEnabled(level)) return;
    // Absent facts stay undefined, which pino leaves out of the line.
    logger[level](
      {
        requestId: info.requestId,
        surface: routeLabels.surface,
        method,
        path: exchange.path,
        route: route?.template,
        procedures,
        status,
        durationMs: Math.round(seconds * 1e6) / 1000,
        callerId: exchange.callerId,
        ip: info.ip,
        aborted: status === 499 ? true : undefined,
      },
      "request",
    );
  }

  return {
    begin(req, res, path) {
      const exchange = new Exchange(req, path, surfaceOf(path));
      exchange.info = options.infoOf(req, res, exchange.identified);
      (req as WithExchange)[EXCHANGE] = exchange;
      metrics?.started();
      // `on`, not `once`: a response closes once, and `once` wraps every listener in a closure of its own.
      res.on("close", finish);
      return exchange.info;
    },
    routed(req, route) {
      const exchange = (req as WithExchange)[EXCHANGE];
      if (exchange) exchange.route = route;
    },
  };
}
