import type { IncomingMessage, ServerResponse } from "node:http";
import { TRPCError } from "@trpc/server";
import { BodyError, declaredTooLarge, isJsonType, readBody, tooDeep, tooLarge } from "../http/json-body.js";
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "../http/json-depth.js";

type BodyCarrier = IncomingMessage & { body?: unknown };

function queryOf(req: IncomingMessage): string {
  const url = req.url ?? "";
  const query = url.indexOf("?");
  return query === -1 ? "" : url.slice(query + 1);
}

/** Deeper than the limit; a batch wraps its inputs in one more object (`{"0": input}`), which does not count. */
function tooDeepFor(text: string, query: string): boolean {
  if (!exceedsJsonDepth(text, MAX_JSON_DEPTH)) return false;
  return new URLSearchParams(query).get("batch") !== "1" || exceedsJsonDepth(text, MAX_JSON_DEPTH + 1);
}

async function guard(req: BodyCarrier, limit: number): Promise<void> {
  if (declaredTooLarge(req, limit)) throw tooLarge(limit);
  const query = queryOf(req);
  if (req.method === "GET" || req.method === "HEAD") {
    // Decoded exactly as tRPC reads it (a percent-encoded key such as `inpu%74` is still `input`).
    const input = query === "" ? null : new URLSearchParams(query).get("input");
    if (input && tooDeepFor(input, query)) throw tooDeep();
    return;
  }
  // Other content types (form data, binary) stream into tRPC, which cuts them off at maxBodySize.
  if (!isJsonType(req.headers["content-type"])) return;
  const text = (await readBody(req, limit)).toString("utf8");
  // tRPC parses a string `req.body` itself instead of reading the stream again.
  req.body = text;
  if (tooDeepFor(text, query)) throw tooDeep();
}

/**
 * The standalone adapter's middleware for /trpc: the same body limit and JSON depth limit as REST, checked
 * before tRPC parses anything. A refusal reaches tRPC as its own error, so clients get the usual tRPC envelope
 * (`error.data.code` PAYLOAD_TOO_LARGE or BAD_REQUEST) with the matching HTTP status.
 */
export function trpcInputGuard(limit: number) {
  return (req: BodyCarrier, res: ServerResponse, next: (error?: unknown) => void): void => {
    guard(req, limit).then(
      () => next(),
      (cause: unknown) => {
        if (!(cause instanceof BodyError)) return next(cause);
        // Nothing more is read: tRPC sees an empty body, and a body still arriving closes the connection.
        if (req.body === undefined) req.body = "";
        if (cause.status === 413) res.setHeader("connection", "close");
        next(new TRPCError({ code: cause.code, message: cause.message }));
      },
    );
  };
}
