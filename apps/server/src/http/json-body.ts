import type { IncomingMessage } from "node:http";
import getRawBody from "raw-body";
import { exceedsJsonDepth, TOO_DEEP_MESSAGE } from "./json-depth.js";

/** A request body refused before it reaches a procedure, with the status and code both surfaces answer. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: "BAD_REQUEST" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE",
    message: string,
  ) {
    super(message);
  }
}

export function isJsonType(contentType: string | undefined): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  // Exactly the media type the document declares for every request body.
  return type === "application/json";
}

export function tooLarge(limit: number): BodyError {
  return new BodyError(413, "PAYLOAD_TOO_LARGE", `Request body is larger than ${limit} bytes`);
}

/** The Content-Length a request declares, or undefined for a chunked (or absent) body. */
function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers["content-length"];
  return header === undefined ? undefined : Number(header);
}

/** Whether the declared Content-Length alone is over `limit`: such a body is refused without reading it. */
export function declaredTooLarge(req: IncomingMessage, limit: number): boolean {
  return (declaredLength(req) ?? 0) > limit;
}

/**
 * Reads the whole body, at most `limit` bytes: a larger declared Content-Length is refused before reading, a
 * chunked body is cut off at the limit (the rest is never buffered). Node discards what is left unread.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(req, { limit, length: declaredLength(req) ?? null });
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (status === 413) throw tooLarge(limit);
    if (typeof status === "number" && status >= 400 && status < 500) {
      throw new BodyError(400, "BAD_REQUEST", "The request body ended early or did not match its Content-Length");
    }
    throw error;
  }
}

export function tooDeep(): BodyError {
  return new BodyError(400, "BAD_REQUEST", TOO_DEEP_MESSAGE);
}

/**
 * Reads a JSON request body. An empty body is `undefined`; a body that is not JSON (wrong content type,
 * or not parseable) is refused with 415, whatever the content-type header claimed; too large 413, too deep 400.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const raw = await readBody(req, limit);
  if (raw.length === 0) return undefined;
  if (!isJsonType(req.headers["content-type"])) {
    throw new BodyError(415, "UNSUPPORTED_MEDIA_TYPE", "Request body must be JSON (Content-Type: application/json)");
  }
  const text = raw.toString("utf8");
  if (exceedsJsonDepth(text)) throw tooDeep();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError(415, "UNSUPPORTED_MEDIA_TYPE", "Request body is not valid JSON");
  }
}

/** BODY_LIMIT's default: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
