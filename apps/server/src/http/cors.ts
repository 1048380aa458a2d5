import type { IncomingMessage, ServerResponse } from "node:http";
import { sendError } from "./json-response.js";
import { appendVary } from "./vary.js";

/** Methods the two API surfaces answer. */
const ALLOW_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";

/**
 * Request headers a browser app may send: the API's own, and those tRPC's links send (`trpc-accept` from
 * httpBatchStreamLink; `x-trpc-source` is the usual tag apps add to say which client called).
 */
const ALLOW_HEADERS = [
  "authorization",
  "content-type",
  "if-match",
  "if-none-match",
  "idempotency-key",
  "x-request-id",
  "last-event-id",
  "trpc-accept",
  "x-trpc-source",
].join(", ");

/** Response headers a browser app may read, with the exact names the server sends. */
const EXPOSE_HEADERS = [
  "X-Request-ID",
  "RateLimit-Limit",
  "RateLimit-Remaining",
  "RateLimit-Reset",
  "Retry-After",
  "ETag",
  "Location",
  "Idempotent-Replayed",
].join(", ");

/** Chromium caps a cached preflight at two hours; longer would only matter to Firefox. */
const MAX_AGE_SECONDS = "7200";

/**
 * Answers CORS for one request: true when it has written the whole response (a preflight), false when the request
 * goes on to its surface (with Access-Control-Allow-Origin set for an allowed origin).
 */
export type CorsHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * CORS for an exact allowlist of origins (CORS_ORIGINS), or every origin with `["*"]`. Responses never carry
 * Access-Control-Allow-Credentials: the API authenticates with bearer tokens in the Authorization header, which
 * a page sends explicitly, not with cookies. A request without `Origin` (servers, curl, same-origin GETs) costs one
 * header read and the `Vary: Origin` that keeps shared caches from mixing answers. Undefined when the list is empty:
 * same-origin only, nothing to do per request.
 *
 * The `cors` package was measured against this and not used: it answers every OPTIONS, from any origin and even
 * without one, with 204 and the allow headers, and builds its header list anew on each request (a request without
 * Origin: about 0.7 µs here, 2-3 µs through `cors`, on this project's 2-core test machine).
 */
export function createCors(origins: readonly string[]): CorsHandler | undefined {
  if (origins.length === 0) return undefined;
  const any = origins.includes("*");
  const allowed = new Set(origins);

  return (req, res) => {
    if (!any) appendVary(res, "Origin");
    const origin = req.headers.origin;
    if (origin === undefined) return false;
    const permitted = any || allowed.has(origin);
    const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
    if (!preflight) {
      if (permitted) {
        res.setHeader("access-control-allow-origin", any ? "*" : origin);
        res.setHeader("access-control-expose-headers", EXPOSE_HEADERS);
      }
      return false;
    }
    if (!permitted) {
      sendError(res, 403, { code: "FORBIDDEN", message: `Origin ${origin} is not allowed; add it to CORS_ORIGINS` });
      return true;
    }
    res.writeHead(204, {
      "access-control-allow-origin": any ? "*" : origin,
      "access-control-allow-methods": ALLOW_METHODS,
      "access-control-allow-headers": ALLOW_HEADERS,
      "access-control-max-age": MAX_AGE_SECONDS,
      "content-length": "0",
    });
    res.end();
    return true;
  };
}
