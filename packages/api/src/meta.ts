import type { OpenApiMeta } from "trpc-to-openapi";
import type { ZodType } from "zod";

/**
 * Procedure metadata: the OpenAPI route plus how REST reports success. trpc-to-openapi always answers 200 and
 * documents 200, so `successStatus` drives both the REST status (via responseMeta) and the generated document.
 */
export type Meta = OpenApiMeta<{
  /** A fixed success status, or one chosen from the output (readiness answers 503 with its normal body). */
  successStatus?: 201 | 202 | 204 | ((output: unknown) => number);
  /** REST `Location` header of a success, from the output (a 202's job URL). */
  location?: (output: unknown) => string;
  /**
   * REST answers the output (`{filename, contentType, content}`, see schemas/jobs.ts JobResult) as the file itself;
   * `mediaTypes` are documented as the 200's content.
   */
  fileResponse?: { mediaTypes: string[] };
  /**
   * REST takes a non-object body: a JSON array goes to input[`json`], a `text/csv` body to input[`csv`] (the path
   * parameters still come from the path). Both are documented as the request body.
   */
  rawBody?: { json: string; csv: string; jsonItems: ZodType; maxItems: number };
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
