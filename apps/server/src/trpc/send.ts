import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { sendBody } from "../http/compression.js";
import { appendVary } from "../http/vary.js";

/**
 * Every answer of the tRPC fast path leaves through here: one `writeHead` and one `end(body)` with its
 * Content-Length (compressed like every JSON body of 1 KB or more, when the client accepts it), instead of the
 * standard adapter's chunked writes from a Fetch `Response`. Headers already set on `res` (x-request-id,
 * RateLimit-*, Retry-After, CORS) are kept; `headers` adds to them, and its `vary` names join the response's.
 * No body: HEAD's 204.
 */
export function sendTrpcJson(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string | undefined): void {
  const { vary, ...rest } = headers;
  if (typeof vary === "string") for (const name of vary.split(",")) appendVary(res, name.trim());
  if (body === undefined) {
    res.writeHead(status, rest);
    res.end();
    return;
  }
  sendBody(res.req, res, status, rest, body);
}
