import type { OpenApiMeta } from "trpc-to-openapi";

/**
 * Procedure metadata: the OpenAPI route plus how REST reports success. trpc-to-openapi always answers 200 and
 * documents 200, so `successStatus` drives both the REST status (via responseMeta) and the generated document.
 */
export type Meta = OpenApiMeta<{
  /** A fixed success status, or one chosen from the output (readiness answers 503 with its normal body). */
  successStatus?: 201 | 204 | ((output: unknown) => number);
  /** Extra statuses documented with the success body, e.g. 503 for readiness. */
  alsoReturns?: number[];
  /**
   * A subscription served on REST as `text/event-stream` at `GET {path}` (trpc-to-openapi refuses subscriptions, so
   * it is not `openapi`); the REST route table and the document both read it.
   */
  eventStream?: { path: string; operationId: string; summary: string; tags: string[]; errorResponses: number[] };
  /**
   * A create: it honours `Idempotency-Key` (see idempotency/middleware.ts) on both surfaces, and the document
   * describes the header and its 409/422 answers. Needs an authenticated procedure builder (the key is per caller).
   */
  idempotent?: boolean;
  /**
   * The opaque part of the resource's `ETag` (`W/"<this>"`), from the output; by default a hash of the JSON body.
   * Tasks use their version, so the ETag a GET or PATCH sends is one `If-Match` accepts.
   */
  etag?: (output: unknown) => string;
}>;

/** The REST status for a successful call with this output. */
export function successStatusOf(meta: Meta | undefined, output: unknown): number {
  const status = meta?.successStatus;
  if (typeof status === "function") return status(output);
  return status ?? 200;
}
