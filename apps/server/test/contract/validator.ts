import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

/** A slice of the OpenAPI document: what the contract tests read. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
}

export interface Operation {
  operationId: string;
  security?: unknown[];
  parameters?: unknown[];
  responses: Record<string, { content?: { "application/json"?: { schema: unknown } }; headers?: Record<string, unknown> }>;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/**
 * Validates response bodies against the document's own schemas with Ajv (JSON Schema 2020-12, the dialect of
 * OpenAPI 3.1). Each schema is compiled with the document's components beside it so `#/components/...` resolves.
 */
export function responseValidator(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const cache = new Map<string, ValidateFunction>();
  return (operation: Operation, status: number, body: unknown): string[] => {
    const response = operation.responses[String(status)];
    if (!response) return [`status ${status} is not documented for ${operation.operationId}`];
    const schema = response.content?.["application/json"]?.schema;
    if (!schema) return body === undefined || body === null ? [] : [`status ${status} documents no body, got ${JSON.stringify(body)}`];
    const key = `${operation.operationId}:${status}`;
    let validate = cache.get(key);
    if (!validate) {
      validate = ajv.compile({ ...(schema as object), components: document.components });
      cache.set(key, validate);
    }
    return validate(body) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || "(body)"} ${error.message ?? ""}`);
  };
}
