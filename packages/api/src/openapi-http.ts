import type { OpenAPIObject } from "trpc-to-openapi";
import { IDEMPOTENCY_KEY_MAX_LENGTH } from "./idempotency/keys.js";
import { IDEMPOTENCY_TTL_HOURS } from "./idempotency/store.js";
import type { Meta } from "./meta.js";

type Operation = { parameters?: unknown[]; responses?: Record<string, Record<string, unknown> | undefined> };

const json = (code: string) => ({ "application/json": { schema: { $ref: `#/components/schemas/error.${code}` } } });
const text = (description: string) => ({ description, schema: { type: "string" } });

const ETAG = text('The representation\'s weak entity tag (`W/"…"`); send it in If-None-Match to revalidate');
const CACHE_CONTROL = text("`private, no-cache`: a browser may keep the answer but must revalidate it before each use");

const IDEMPOTENCY_KEY = {
  in: "header",
  name: "Idempotency-Key",
  required: false,
  description:
    `Makes retrying this create safe (IETF httpapi Idempotency-Key draft): the same key from the same caller with the same request within ${IDEMPOTENCY_TTL_HOURS} h ` +
    "returns the first response (status, body, Location) with `Idempotent-Replayed: true` and creates nothing; the same key with " +
    "another request is 422; a retry while the first request is still running is 409 (retry it shortly). A failed request records " +
    'nothing. A string of 1-255 printable ASCII characters, bare or quoted (`"…"`); a UUID is a good key.',
  schema: { type: "string", minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH + 2, pattern: "^[\\x20-\\x7e]+$" },
};

const IF_NONE_MATCH = {
  in: "header",
  name: "If-None-Match",
  required: false,
  description: "ETags of representations you hold (comma-separated), or `*`: answers 304 without a body when the current one matches",
  schema: { type: "string" },
};

function operationOf(document: OpenAPIObject, method: string, path: string): Operation | undefined {
  return (document.paths?.[path] as Record<string, Operation | undefined> | undefined)?.[method.toLowerCase()];
}

function addHeaders(response: Record<string, unknown> | undefined, headers: Record<string, unknown>): void {
  if (!response) return;
  response.headers = { ...(response.headers as Record<string, unknown> | undefined), ...headers };
}

/** Idempotency-Key on creates: the header, the replay marker on the success answer, 409 and 422. */
function describeIdempotency(operation: Operation): void {
  const responses = (operation.responses ??= {});
  (operation.parameters ??= []).push(IDEMPOTENCY_KEY);
  for (const status of ["200", "201", "202"]) {
    addHeaders(responses[status], { "Idempotent-Replayed": { description: "`true` on a replayed answer to a retried Idempotency-Key", schema: { type: "string", enum: ["true"] } } });
  }
  const busy = "A request with the same Idempotency-Key is still being processed; retry it shortly";
  const conflict = responses["409"];
  if (conflict) conflict.description = `${String(conflict.description)}; or: ${busy}`;
  else responses["409"] = { description: busy, content: json("CONFLICT") };
  responses["422"] = { description: "The Idempotency-Key was already used with a different request", content: json("UNPROCESSABLE_CONTENT") };
}

/** ETag on authenticated reads and on the PUT/PATCH answers that change them; If-None-Match and 304 on GETs. */
function describeConditional(operation: Operation, method: string): void {
  const responses = (operation.responses ??= {});
  addHeaders(responses["200"], method === "GET" ? { ETag: ETAG, "Cache-Control": CACHE_CONTROL } : { ETag: ETAG });
  if (method !== "GET") return;
  (operation.parameters ??= []).push(IF_NONE_MATCH);
  responses["304"] = { description: "Not modified: the representation matches If-None-Match (no body)", headers: { ETag: ETAG, "Cache-Control": CACHE_CONTROL } };
}

/** The HTTP semantics the REST layer adds to procedures: idempotent creates and conditional reads. */
export function addHttpSemantics(document: OpenAPIObject, metas: Meta[]): void {
  for (const meta of metas) {
    const route = meta.openapi;
    if (!route || route.enabled === false) continue;
    const operation = operationOf(document, route.method, route.path);
    if (!operation) continue;
    if (meta.idempotent) describeIdempotency(operation);
    const tagged = route.protect !== false && (route.method === "GET" || route.method === "PUT" || route.method === "PATCH");
    if (tagged) describeConditional(operation, route.method);
  }
}
