import type { OpenAPIObject } from "trpc-to-openapi";

type Responses = Record<string, unknown>;
type ErrorSchema = { properties?: Record<string, Record<string, unknown>> };

const json = (code: string) => ({ "application/json": { schema: { $ref: `#/components/schemas/error.${code}` } } });

/**
 * Error bodies the server can answer beyond the ones procedures list themselves (on any operation, or on idempotent
 * creates: 409 and 422): the same `{code, message}` shape as every error, each with its own code.
 */
const EXTRA_ERROR_SCHEMAS: Record<string, string> = {
  PAYLOAD_TOO_LARGE: "Request body is larger than 1048576 bytes",
  SERVICE_UNAVAILABLE: "The database is unavailable; retry shortly",
  CONFLICT: "A request with this Idempotency-Key is still being processed; retry it shortly",
  UNPROCESSABLE_CONTENT: "This Idempotency-Key was already used with a different request; use a new key",
};

/** Adds the components of {@link EXTRA_ERROR_SCHEMAS}, shaped like the generator's own error components. */
export function addErrorSchemas(document: OpenAPIObject): void {
  const schemas = ((document.components ??= {}).schemas ??= {});
  const internal = schemas["error.INTERNAL_SERVER_ERROR"] as ErrorSchema | undefined;
  if (!internal?.properties) return;
  for (const [code, message] of Object.entries(EXTRA_ERROR_SCHEMAS)) {
    // `??=`: an error the generator already describes (CONFLICT, from the operations that list 409) keeps its own.
    schemas[`error.${code}`] ??= {
      ...internal,
      properties: {
        ...internal.properties,
        message: { ...internal.properties.message, example: message },
        code: { ...internal.properties.code, example: code },
      },
    };
  }
}

/**
 * Documents what any operation can answer whatever its procedure: 413 for a body over BODY_LIMIT (refused from
 * its declared length before routing, so even on a GET), 500, and, for everything that needs the database (all
 * but the health probes), 503 with Retry-After while it is unavailable.
 */
export function addCommonErrorResponses(responses: Responses, needsDatabase: boolean): void {
  responses["413"] ??= { description: "The request body is larger than BODY_LIMIT", content: json("PAYLOAD_TOO_LARGE") };
  responses["500"] ??= { description: "Internal server error", content: json("INTERNAL_SERVER_ERROR") };
  if (!needsDatabase) return;
  responses["503"] ??= {
    description: "The database is unavailable; retry after the number of seconds in Retry-After",
    headers: { "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer", minimum: 1 } } },
    content: json("SERVICE_UNAVAILABLE"),
  };
}
