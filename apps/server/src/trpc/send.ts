import type { OutgoingHttpHeaders, ServerResponse } from "node:http";

/**
 * Every answer of the tRPC fast path leaves through here: one `writeHead` and one `end(body)` with its
 * Content-Length, instead of the standard adapter's chunked writes from a Fetch `Response`. Headers already set on
 * `res` (x-request-id, RateLimit-*, Retry-After) are kept; `headers` adds to them. No body: HEAD's 204.
 */
export function sendTrpcJson(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string | undefined): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  headers["content-length"] = Buffer.byteLength(body);
  res.writeHead(status, headers);
  res.end(body);
}
