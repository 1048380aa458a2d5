import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import Negotiator from "negotiator";
import { appendVary } from "./vary.js";

/** Bodies under this many bytes go out as they are: compressing them saves less than the headers weigh. */
export const COMPRESS_THRESHOLD = 1024;

export type Encoding = "br" | "gzip" | "identity";

/** Brotli first on a tie: smaller than gzip at the same CPU cost for JSON (bench: 50 KB list, 7.4 vs 8.0 KB). */
const CODINGS: readonly Encoding[] = ["br", "gzip", "identity"];

type EncodingChooser = (available: readonly string[], options: { preferred: readonly string[] }) => string | undefined;

/**
 * The coding the client prefers by its Accept-Encoding q-values, brotli before gzip on a tie. No header, or one that
 * refuses every coding we have (`*;q=0`), gets identity: refusing to answer would help no one.
 */
export function negotiateEncoding(req: IncomingMessage): Encoding {
  if (req.headers["accept-encoding"] === undefined) return "identity";
  const negotiator = new Negotiator(req);
  // negotiator 1.x takes the tie-breaking order as a second argument; @types/negotiator still describes 0.6.
  const encoding = negotiator.encoding.bind(negotiator) as EncodingChooser;
  const chosen = encoding(CODINGS, { preferred: CODINGS });
  return chosen === "br" || chosen === "gzip" ? chosen : "identity";
}

/**
 * Dynamic bodies: brotli quality 4 and gzip level 6 cost about the same (≈0.5 ms of CPU for a 50 KB task list),
 * brotli's maximum 11 costs a hundred times more. Synchronous, as JSON.stringify of the same body is: a page of
 * results is bounded by the page size, and a threadpool round trip would cost more than it saves at these sizes.
 */
export function compress(body: Buffer, encoding: Exclude<Encoding, "identity">): Buffer {
  if (encoding === "gzip") return gzipSync(body, { level: 6 });
  return brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 4,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

/**
 * Writes a whole response body, compressed with the client's preferred coding when it is at least
 * {@link COMPRESS_THRESHOLD} bytes. Sets Content-Length, and `Vary: Accept-Encoding` on every body that could have
 * been compressed (added to `headers`' own Vary when it has one, else to the response's). A HEAD request gets the
 * headers of the uncompressed body and no body. `headers` is the caller's to give, not to keep: the length (and
 * coding) are added to it rather than to a copy, as V8 spreads objects slowly (≈1 µs a response here).
 */
export function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body: string | Buffer,
): void {
  const length = typeof body === "string" ? Buffer.byteLength(body) : body.length;
  if (length >= COMPRESS_THRESHOLD) {
    if (typeof headers.vary === "string") headers.vary = `${headers.vary}, Accept-Encoding`;
    else appendVary(res, "Accept-Encoding");
  }
  const encoding = length < COMPRESS_THRESHOLD || req.method === "HEAD" ? "identity" : negotiateEncoding(req);
  if (encoding === "identity") {
    headers["content-length"] = length;
    res.writeHead(status, headers);
    return void res.end(req.method === "HEAD" ? undefined : body);
  }
  const encoded = compress(typeof body === "string" ? Buffer.from(body) : body, encoding);
  headers["content-encoding"] = encoding;
  headers["content-length"] = encoded.length;
  res.writeHead(status, headers);
  res.end(encoded);
}
