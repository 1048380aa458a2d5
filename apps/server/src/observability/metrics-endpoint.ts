import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendError } from "../http/json-response.js";
import type { Metrics } from "./metrics.js";

export const METRICS_PATH = "/metrics";

/** Digests compare in constant time whatever the lengths, so a wrong token's length leaks nothing either. */
const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * `GET /metrics` in Prometheus text format. With a token, only `Authorization: Bearer <token>` gets it (401
 * otherwise). Outside the API: no rate limit, not in the OpenAPI document.
 */
export function createMetricsEndpoint(metrics: Metrics, token: string | undefined) {
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ""), expected)) {
      return sendError(res, 401, { code: "UNAUTHORIZED", message: "GET /metrics needs Authorization: Bearer <METRICS_TOKEN>" }, { "www-authenticate": "Bearer" });
    }
    const body = await metrics.registry.metrics();
    res.writeHead(200, { "content-type": metrics.registry.contentType, "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : body);
  };
}
