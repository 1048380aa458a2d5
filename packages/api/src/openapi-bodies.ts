import type { OpenAPIObject } from "trpc-to-openapi";
import { z } from "zod";
import { AT_LEAST_ONE_OF } from "./schemas/common.js";

/** A procedure's REST route and its zod input. */
export interface RoutedInput {
  method: string;
  path: string;
  input: unknown;
}

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown> };
type Operation = { requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema } | undefined> } };

function fieldsOf(input: z.ZodObject): string[] | undefined {
  const fields = input.meta()?.[AT_LEAST_ONE_OF];
  return Array.isArray(fields) ? fields.filter((field): field is string => typeof field === "string") : undefined;
}

/**
 * The generator rebuilds the body of a refined input as a plain object: it loses `.strict()` and the refinement.
 * This writes both back, so the document rejects what the server rejects: unknown properties, and a PATCH body
 * with none of the fields it changes (`{}`, or only `expectedVersion`).
 */
export function describeRequestBodies(document: OpenAPIObject, inputs: RoutedInput[]): OpenAPIObject {
  for (const { method, path, input } of inputs) {
    const operation = (document.paths?.[path] as Record<string, Operation | undefined> | undefined)?.[method.toLowerCase()];
    const body = operation?.requestBody?.content?.["application/json"]?.schema;
    if (!body || !(input instanceof z.ZodObject)) continue;
    if (input.def.catchall instanceof z.ZodNever) body.additionalProperties = false;
    const fields = fieldsOf(input);
    // Every field optional (an export's format has a default): the server takes a request without a body as {}.
    const required = body.required;
    if (!fields && operation?.requestBody && (!Array.isArray(required) || required.length === 0)) operation.requestBody.required = false;
    if (!fields) continue;
    body.description = `Send at least one of ${fields.join(", ")}.`;
    body.minProperties = 1;
    const others = Object.keys(body.properties ?? {}).filter((name) => !fields.includes(name));
    // With other properties (expectedVersion), "some property" is not enough: forbid a body without any of these.
    if (others.length > 0) body.not = { properties: Object.fromEntries(fields.map((name) => [name, false])) };
  }
  return document;
}
