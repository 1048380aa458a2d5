import type { IncomingMessage } from "node:http";
import type { Meta } from "@cadence/api";
import { BodyError, isJsonType, readBody, tooDeep } from "../http/json-body.js";
import { exceedsJsonDepth } from "../http/json-depth.js";

type RawBody = NonNullable<Meta["rawBody"]>;

function isCsvType(contentType: string | undefined): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "text/csv";
}

/**
 * The input fields of a raw body (see `meta.rawBody`): a JSON array goes to `json`, a `text/csv` body (UTF-8) to
 * `csv`. Anything else is refused before the procedure runs: another media type 415, an empty body or JSON that is
 * not an array 400, more than `limit` bytes 413.
 */
export async function readRawBody(req: IncomingMessage, limit: number, fields: RawBody): Promise<Record<string, unknown>> {
  const contentType = req.headers["content-type"];
  const json = isJsonType(contentType);
  if (!json && !isCsvType(contentType)) {
    throw new BodyError(415, "UNSUPPORTED_MEDIA_TYPE", "Send a JSON array of tasks (Content-Type: application/json) or CSV (Content-Type: text/csv)");
  }
  const raw = await readBody(req, limit);
  if (raw.length === 0) throw new BodyError(400, "BAD_REQUEST", "The request body is empty: send the tasks to import");
  const text = raw.toString("utf8");
  if (!json) return { [fields.csv]: text };
  if (exceedsJsonDepth(text)) throw tooDeep();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BodyError(400, "BAD_REQUEST", "Request body is not valid JSON");
  }
  if (!Array.isArray(body)) throw new BodyError(400, "BAD_REQUEST", "Request body must be a JSON array of tasks");
  return { [fields.json]: body };
}
