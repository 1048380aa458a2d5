import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { FuzzCase } from "./cases.js";
import type { FuzzDocument, FuzzOperation } from "./operations.js";
import { resolve, type Components, type Schema } from "./schema-arbitrary.js";
import type { SentRequest } from "./send.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/** Whether the document allows a request: "unknown" where it does not say (a malformed query string). */
export type Validity = { valid: true } | { valid: false; reason: string } | { valid: "unknown" };

const isJsonMediaType = (type: string | undefined) => type !== undefined && /^application\/json\s*(;|$)/i.test(type);

function isStringSchema(raw: Schema, components: Components): boolean {
  const schema = resolve(raw, components);
  const alternatives = schema.anyOf ?? schema.oneOf;
  return alternatives ? alternatives.every((alternative) => isStringSchema(alternative, components)) : schema.type === "string";
}

/**
 * Judges a sent request against the document with Ajv: path, header and query parameters, the content type and the JSON
 * body. Where the document does not decide (unknown or repeated query parameters, which OpenAPI neither allows nor
 * forbids; a number spelled other than canonically; a malformed query string) the answer is "unknown".
 */
export function requestValidator(document: FuzzDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  addFormats(ajv);
  const cache = new Map<Schema, ValidateFunction>();
  const validate = (schema: Schema, value: unknown): string | undefined => {
    let compiled = cache.get(schema);
    if (!compiled) {
      compiled = ajv.compile({ ...schema, components: document.components });
      cache.set(schema, compiled);
    }
    if (compiled(value)) return undefined;
    const [error] = compiled.errors ?? [];
    return `${error?.instancePath || "(value)"} ${error?.message ?? "is invalid"}`;
  };

  return (op: FuzzOperation, fuzzCase: FuzzCase, sent: SentRequest): Validity => {
    for (const parameter of op.pathParams) {
      const problem = validate(parameter.schema, sent.params.path[parameter.name]);
      if (problem) return { valid: false, reason: `path parameter ${parameter.name}: ${problem}` };
    }
    for (const parameter of op.headerParams) {
      const value = sent.headers[parameter.name];
      if (value === undefined) continue;
      const problem = validate(parameter.schema, value);
      if (problem) return { valid: false, reason: `header ${parameter.name}: ${problem}` };
    }
    const known = new Set(op.queryParams.map((parameter) => parameter.name));
    let unknown = fuzzCase.rawQuery !== "" || sent.params.query.some(([name]) => !known.has(name));
    for (const parameter of op.queryParams) {
      const values = sent.params.query.filter(([name]) => name === parameter.name).map(([, value]) => value);
      if (values.length > 1) unknown = true;
      if (values.length !== 1) continue;
      const value = values[0] ?? "";
      const string = isStringSchema(parameter.schema, document.components);
      // A number has many spellings in a query string ("1.0", "1e0", " 1"); only the canonical one is judged.
      if (!string && !/^-?(0|[1-9]\d*)$/.test(value)) unknown = true;
      else {
        const problem = validate(parameter.schema, string ? value : Number(value));
        if (problem) return { valid: false, reason: `query parameter ${parameter.name}: ${problem}` };
      }
    }
    if (unknown) return { valid: "unknown" };
    if (!op.body) return { valid: true };
    if (fuzzCase.body.kind === "none") return op.bodyRequired ? { valid: false, reason: "no body" } : { valid: true };
    if (!isJsonMediaType(sent.headers["content-type"])) return { valid: false, reason: `content type ${sent.headers["content-type"] ?? "(none)"}` };
    let value: unknown;
    try {
      value = sent.body === undefined ? undefined : JSON.parse(sent.body);
    } catch {
      return { valid: false, reason: "body is not JSON" };
    }
    const problem = validate(op.body, value);
    return problem ? { valid: false, reason: `body ${problem}` } : { valid: true };
  };
}
