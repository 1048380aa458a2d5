import type { IncomingMessage } from "node:http";
import type { AnyTRPCProcedure, AnyTRPCRouter, TRPCProcedureType } from "@trpc/server";

/** One call of a request: the procedure path as tRPC reads it from the URL, and its procedure when there is one. */
export interface PlannedCall {
  path: string;
  procedure: AnyTRPCProcedure | undefined;
}

/** A plain-JSON tRPC request that the fast path answers exactly as tRPC's adapter would. */
export interface CallPlan {
  method: "GET" | "POST" | "HEAD";
  isBatch: boolean;
  calls: PlannedCall[];
  /** The procedures' type, "unknown" when none was found. */
  type: TRPCProcedureType | "unknown";
  /** The distinct procedure types in order; more than one is a batch tRPC refuses. */
  types: TRPCProcedureType[];
  params: URLSearchParams;
}

/**
 * Procedure paths whose URL form is already what tRPC reads after the WHATWG URL parser and percent-decoding:
 * no `%`, no `/`, and no leading dot (so never a `.` or `..` segment). Anything else goes to the adapter.
 */
const PLAIN_PATHS = /^[A-Za-z0-9_$~-][A-Za-z0-9_$~.,-]*$/;

/** Host headers tRPC's adapter can build a URL from (it answers 400 otherwise); a few hosts serve all requests. */
const hostParses = new Map<string, boolean>();
const MAX_HOSTS = 64;

function hostIsValid(req: IncomingMessage): boolean {
  const host = req.headers.host ?? "localhost";
  let valid = hostParses.get(host);
  if (valid === undefined) {
    valid = URL.canParse(`http://${host}`);
    if (hostParses.size < MAX_HOSTS) hostParses.set(host, valid);
  }
  return valid;
}

function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.toLowerCase().split(";", 1)[0]?.trim();
}

/**
 * Headers tRPC reads besides the content type: `trpc-accept` (any value changes how it answers) and an `accept`
 * naming application/jsonl (httpBatchStreamLink). Requests carrying them go to the adapter.
 */
function asksForStream(req: IncomingMessage): boolean {
  return req.headers["trpc-accept"] !== undefined || (req.headers.accept?.includes("application/jsonl") ?? false);
}

function methodOf(req: IncomingMessage): CallPlan["method"] | undefined {
  const method = req.method;
  if (method === "GET" || method === "HEAD") {
    // tRPC reads a GET as JSON unless it declares form data or binary; only a JSON or absent type stays here.
    const type = req.headers["content-type"];
    return type === undefined || mediaType(type) === "application/json" ? method : undefined;
  }
  if (method === "POST" && mediaType(req.headers["content-type"]) === "application/json") return method;
  return undefined;
}

/** The distinct types of the calls' procedures, in order of first appearance (as tRPC's Set of them). */
function typesOf(calls: PlannedCall[]): TRPCProcedureType[] {
  const types: TRPCProcedureType[] = [];
  for (const call of calls) {
    const type = call.procedure?._def.type;
    if (type !== undefined && !types.includes(type)) types.push(type);
  }
  return types;
}

/**
 * Creates the planner for `router` served under `prefix` (such as `/trpc`): it reads the URL once and resolves
 * the procedures, and returns undefined for every request the fast path does not serve byte for byte as tRPC's
 * adapter would: other methods or content types, streaming (jsonl), subscriptions other than one GET, connection params, paths
 * that URL normalisation or decoding would change, a Host tRPC cannot parse, and unknown paths when the router
 * has lazy sub-routers.
 */
export function createCallPlanner(router: AnyTRPCRouter, prefix: string) {
  const procedures: Record<string, AnyTRPCProcedure | undefined> = router._def.procedures;
  const hasLazy = Object.keys(router._def.lazy).length > 0;
  const start = `${prefix}/`;

  return (req: IncomingMessage): CallPlan | undefined => {
    const url = req.url ?? "";
    if (!url.startsWith(start) || url.includes("#")) return undefined;
    const method = methodOf(req);
    if (method === undefined || asksForStream(req) || !hostIsValid(req)) return undefined;
    const queryAt = url.indexOf("?");
    const path = queryAt === -1 ? url.slice(start.length) : url.slice(start.length, queryAt);
    if (!PLAIN_PATHS.test(path)) return undefined;
    const params = new URLSearchParams(queryAt === -1 ? "" : url.slice(queryAt + 1));
    if (params.has("connectionParams")) return undefined;

    const isBatch = params.get("batch") === "1";
    const calls = (isBatch ? path.split(",") : [path]).map((name) => ({ path: name, procedure: procedures[name] }));
    if (hasLazy && calls.some((call) => call.procedure === undefined)) return undefined;
    const types = typesOf(calls);
    // A subscription is served here only as httpSubscriptionLink asks for one: a GET of one call (see subscription.ts).
    if (types.includes("subscription") && (method !== "GET" || isBatch || calls.length !== 1)) return undefined;
    return { method, isBatch, calls, type: types[0] ?? "unknown", types, params };
  };
}
