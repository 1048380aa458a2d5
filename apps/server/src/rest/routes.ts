import type { Meta } from "@cadence/api";
import type { AnyTRPCProcedure, AnyTRPCRouter } from "@trpc/server";
import FindMyWay from "find-my-way";
import { entityTagger, type EntityTagger } from "./conditional.js";
import { planInput, type InputPlan } from "./input.js";

/** A REST operation, resolved once at start-up from a procedure's `meta.openapi`. */
export interface Route {
  /** The procedure's dotted path, e.g. "tasks.list". */
  path: string;
  /** The documented path template, e.g. "/projects/{projectId}/tasks". */
  template: string;
  procedure: AnyTRPCProcedure;
  /** A subscription is served as `text/event-stream` (see `meta.eventStream`). */
  type: "query" | "mutation" | "subscription";
  /** POST, PUT and PATCH take a JSON body; GET and DELETE take the query string. */
  readsBody: boolean;
  input: InputPlan;
  /** Authenticated GET, PUT and PATCH answers carry an ETag; GETs also honour If-None-Match (see conditional.ts). */
  tagger: EntityTagger | undefined;
  /** What REST does beyond JSON in and out: a Location, a file response, a raw body. */
  meta: Meta;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string | undefined>;
  query: Record<string, string | string[] | undefined>;
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];

interface OpenApiRoute {
  method: Method;
  path: string;
  enabled?: boolean;
  protect?: boolean;
}

type RouteMeta = { openapi?: OpenApiRoute; eventStream?: { path: string }; etag?: (output: unknown) => string };

/** GETs of a resource or a page, and the PUT/PATCH that change one, behind authentication. */
function taggerOf(procedure: AnyTRPCProcedure, route: OpenApiRoute): EntityTagger | undefined {
  if (procedure._def.type === "subscription" || route.protect === false) return undefined;
  if (route.method !== "GET" && route.method !== "PUT" && route.method !== "PATCH") return undefined;
  return entityTagger((procedure._def.meta as RouteMeta | undefined)?.etag);
}

function openApiRouteOf(procedure: AnyTRPCProcedure): OpenApiRoute | undefined {
  const meta = procedure._def.meta as RouteMeta | undefined;
  if (procedure._def.type === "subscription") return meta?.eventStream ? { method: "GET", path: meta.eventStream.path } : undefined;
  return meta?.openapi && meta.openapi.enabled !== false ? meta.openapi : undefined;
}

export interface RouteTable {
  /** The route for this method and URL (path and query, relative to the REST prefix), or null. */
  find(method: string, url: string): RouteMatch | null;
  /** The methods some route serves at this path (HEAD wherever GET is), for a 405's `Allow`. */
  allowedMethods(url: string): string[];
}

/**
 * Compiles the route table from the router's own procedures: the same `meta.openapi` that generates the
 * document (for a subscription, its `meta.eventStream`), so there is no second list of routes. Paths match
 * case-insensitively and ignore a trailing slash.
 */
export function compileRoutes(router: AnyTRPCRouter): RouteTable {
  // 16 KiB: Node's header limit already bounds a URL; a long id should reach validation (400), not miss (404).
  const table = FindMyWay({ caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 16 * 1024 });
  const procedures = router._def.procedures as Record<string, AnyTRPCProcedure>;
  for (const [path, procedure] of Object.entries(procedures)) {
    const openapi = openApiRouteOf(procedure);
    const type = procedure._def.type;
    if (!openapi) continue;
    const route: Route = {
      path,
      template: openapi.path,
      procedure,
      type,
      readsBody: openapi.method !== "GET" && openapi.method !== "DELETE",
      input: planInput(procedure._def.inputs),
      tagger: taggerOf(procedure, openapi),
      meta: (procedure._def.meta ?? {}) as Meta,
    };
    table.on(openapi.method, openapi.path.replace(/\{(\w+)\}/g, ":$1"), () => undefined, route);
  }
  table.compile();

  return {
    find(method, url) {
      const found = table.find(method as Method, url);
      if (!found) return null;
      return { route: found.store as Route, params: found.params, query: found.searchParams };
    },
    allowedMethods: (url) => METHODS.filter((method) => table.find(method, url) !== null).flatMap((method) => (method === "GET" ? ["GET", "HEAD"] : [method])),
  };
}
