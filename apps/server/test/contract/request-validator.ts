import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { OpenApiDocument } from "./validator.js";

/** The parts of a REST request the document constrains. String parameters only: query values arrive as text. */
export interface RequestParts {
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
}

interface Parameter {
  in: "path" | "query" | "header";
  name: string;
  required?: boolean;
  schema: unknown;
}

interface RequestOperation {
  parameters?: Parameter[];
  requestBody?: { content?: { "application/json"?: { schema: unknown } } };
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/**
 * Judges a request by the document alone: the problems the document's own parameter and body schemas find in it
 * (Ajv, JSON Schema 2020-12 with formats asserted). An empty list means the document says the request is valid.
 */
export function requestValidator(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const check = (schema: unknown, value: unknown, where: string): string[] => {
    const validate = ajv.compile({ ...(schema as object), components: document.components });
    return validate(value) ? [] : (validate.errors ?? []).map((error) => `${where}${error.instancePath} ${error.message ?? ""}`);
  };
  return (method: string, path: string, parts: RequestParts): string[] => {
    const operation = document.paths[path]?.[method.toLowerCase()] as RequestOperation | undefined;
    if (!operation) return [`${method.toUpperCase()} ${path} is not documented`];
    const problems: string[] = [];
    for (const parameter of operation.parameters ?? []) {
      if (parameter.in === "path") continue;
      const values = parameter.in === "query" ? parts.query : parts.headers;
      const value = values?.[parameter.name];
      if (value === undefined) {
        if (parameter.required) problems.push(`${parameter.in} ${parameter.name} is required`);
        continue;
      }
      problems.push(...check(parameter.schema, value, `${parameter.in} ${parameter.name}`));
    }
    const bodySchema = operation.requestBody?.content?.["application/json"]?.schema;
    if (parts.body !== undefined && bodySchema) problems.push(...check(bodySchema, parts.body, "body"));
    return problems;
  };
}
