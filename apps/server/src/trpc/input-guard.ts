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
function tooDeepFor(text: string, params: URLSearchParams): boolean {
  if (!exceedsJsonDepth(text, MAX_JSON_DEPTH)) return false;
  return params.get("batch") !== "1" || exceedsJsonDepth(text, MAX_JSON_DEPTH + 1);
}

/**
 * The input limits of /trpc, checked before tRPC parses anything: the declared size, and the JSON depth of
 * `?input=` (decoded exactly as tRPC reads it: a percent-encoded key such as `inpu%74` is still `input`) or of a
 * JSON body, which is read here (at most `limit` bytes) and returned as text. Throws {@link BodyError}.
 * Other content types (form data, binary) are not read: they stream into tRPC, which cuts them off itself.
 */
export async function guardedInput(req: IncomingMessage, limit: number, params: URLSearchParams): Promise<string | undefined> {
  if (req.method === "GET" || req.method === "HEAD") {
    guardQuery(req, limit, params);
    return undefined;
  }
  if (declaredTooLarge(req, limit)) throw tooLarge(limit);
  if (!isJsonType(req.headers["content-type"])) return undefined;
  const text = (await readBody(req, limit)).toString("utf8");
  if (tooDeepFor(text, params)) throw tooDeep();
  return text;
}

/** {@link guardedInput} for a GET (or HEAD), synchronously: the declared size and the depth of `?input=`. */
export function guardQuery(req: IncomingMessage, limit: number, params: URLSearchParams): void {
  if (declaredTooLarge(req, limit)) throw tooLarge(limit);
  const input = params.get("input");
  if (input && tooDeepFor(input, params)) throw tooDeep();
}

/**
 * A refused input as the tRPC error every call of the request answers with (`error.data.code`
 * PAYLOAD_TOO_LARGE or BAD_REQUEST, with the matching HTTP status). A body that may still be arriving closes the
 * connection rather than being drained.
 */
export function refusal(cause: BodyError, res: ServerResponse): TRPCError {
  if (cause.status === 413) res.setHeader("connection", "close");
  return new TRPCError({ code: cause.code, message: cause.message });
}

/**
 * The standalone adapter's middleware for /trpc: the same body limit and JSON depth limit as REST, checked
 * before tRPC parses anything. A refusal reaches tRPC as its own error, so clients get the usual tRPC envelope.
 */
export function trpcInputGuard(limit: number) {
  return (req: BodyCarrier, res: ServerResponse, next: (error?: unknown) => void): void => {
    guardedInput(req, limit, new URLSearchParams(queryOf(req))).then(
      (text) => {
        // tRPC parses a string `req.body` itself instead of reading the stream again.
        if (text !== undefined) req.body = text;
        next();
      },
      (cause: unknown) => {
        if (!(cause instanceof BodyError)) return next(cause);
        // Nothing more is read: tRPC sees an empty body, and a body still arriving closes the connection.
        if (req.body === undefined) req.body = "";
        next(refusal(cause, res));
      },
    );
  };
}
