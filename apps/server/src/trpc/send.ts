import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { sendBody } from "../http/compression.js";
import { appendVary } from "../http/vary.js";

/** tRPC varies every answer on how the client asked to be answered. */
const VARY = "trpc-accept, accept";

/**
 * Adds tRPC's `Vary` names to the response's, keeping any already there (CORS's `Origin`). Usually nothing has set
 * Vary yet: then the list goes into the `headers` of the answer's one `writeHead`, as it is, without parsing one.
 */
export function varyLikeTrpc(res: ServerResponse, headers: OutgoingHttpHeaders): void {
  if (!res.hasHeader("vary")) return void (headers.vary = VARY);
  appendVary(res, "trpc-accept");
  appendVary(res, "accept");
}

/**
 * Every answer of the tRPC fast path leaves through here: one `writeHead` and one `end(body)` with its
 * Content-Length (compressed like every JSON body of 1 KB or more, when the client accepts it), instead of the
 * standard adapter's chunked writes from a Fetch `Response`. Headers already set on `res` (x-request-id,
 * RateLimit-*, Retry-After, CORS, Vary) are kept; `headers` adds to them (its Vary only from
 * {@link varyLikeTrpc}). No body: HEAD's 204.
 */
export function sendTrpcJson(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string | undefined): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  sendBody(res.req, res, status, headers, body);
}
