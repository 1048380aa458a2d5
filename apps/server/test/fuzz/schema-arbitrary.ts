import fc, { type Arbitrary } from "fast-check";
import { HOSTILE_NUMBERS, HOSTILE_STRINGS } from "./hostile.js";

/** A JSON Schema (2020-12, as OpenAPI 3.1 embeds it), read loosely: only the keywords the fuzz interprets. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
}

export type Components = { schemas?: Record<string, Schema> };

/** Follows `#/components/schemas/...` references until a schema with content is reached. */
export function resolve(schema: Schema, components: Components): Schema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 10; hops++) {
    const name = current.$ref.replace("#/components/schemas/", "");
    const target = components.schemas?.[name];
    if (!target) throw new Error(`unresolvable $ref ${current.$ref}`);
    current = target;
  }
  return current;
}

const types = (schema: Schema): string[] => (schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type]);

/** Values the document accepts for `schema`: what a well-behaved client could send. */
export function validValue(raw: Schema, components: Components): Arbitrary<unknown> {
  const schema = resolve(raw, components);
  if ("const" in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((alternative) => validValue(alternative, components)));
  const [type] = types(schema);
  switch (type) {
    case "string":
      return validString(schema);
    case "integer":
      return validInteger(schema);
    case "number":
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(validValue(schema.items ?? {}, components), { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4)) });
    case "object":
      return validObject(schema, components);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function validString(schema: Schema): Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 64;
  const fits = (value: string) => [...value].length >= min && [...value].length <= max;
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
  if (schema.format === "uuid") return fc.uuid({ version: 4 });
  if (schema.format === "date-time") return fc.date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.format === "date") return fc.date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  const short = Math.min(max, min + 24);
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: min, maxLength: short, unit: "grapheme-ascii" }) },
    { weight: 2, arbitrary: fc.string({ minLength: min, maxLength: short, unit: "grapheme" }) },
    { weight: 1, arbitrary: fc.constantFrom("x".repeat(Math.max(min, 1)), "y".repeat(max)) },
  ).filter(fits);
}

function validInteger(schema: Schema): Arbitrary<number> {
  const min = schema.minimum ?? Number.MIN_SAFE_INTEGER;
  const max = schema.maximum ?? Number.MAX_SAFE_INTEGER;
  return fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: Math.max(min, -1000), max: Math.min(max, Math.max(min, -1000) + 1000) }) },
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
    { weight: 1, arbitrary: fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number) },
  );
}

function validObject(schema: Schema, components: Components): Arbitrary<Record<string, unknown>> {
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, validValue(property, components)]));
  return fc.record(properties, { requiredKeys: schema.required ?? [] });
}

/**
 * Values meant to break `schema`: its boundaries one past on either side, other JSON types, hostile strings
 * (unicode, NUL, whitespace, huge) and hostile numbers. Some of them happen to be valid; the server must answer
 * every one with a documented status either way.
 */
export function hostileValue(raw: Schema, components: Components): Arbitrary<unknown> {
  const schema = resolve(raw, components);
  const boundaries: unknown[] = [];
  if (schema.maxLength !== undefined) boundaries.push("m".repeat(schema.maxLength), "m".repeat(schema.maxLength + 1), "😀".repeat(schema.maxLength), ` ${"n".repeat(schema.maxLength)}`, `\u00a0${"n".repeat(schema.maxLength)}`);
  if (schema.minLength !== undefined) boundaries.push("m".repeat(schema.minLength), "m".repeat(Math.max(schema.minLength - 1, 0)), " ".repeat(Math.max(schema.minLength, 1)));
  if (schema.minimum !== undefined) boundaries.push(schema.minimum, schema.minimum - 1, schema.minimum - 0.5);
  if (schema.maximum !== undefined) boundaries.push(schema.maximum, schema.maximum + 1, schema.maximum + 2);
  if (schema.minItems !== undefined) boundaries.push([], Array.from({ length: Math.max(schema.minItems - 1, 0) }, () => "x"));
  if (types(schema).includes("array")) boundaries.push(Array.from({ length: 1000 }, (_, i) => `t${i}`), [null], [[]], [{}]);
  const otherType = fc.oneof(
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.constant(null),
    fc.string({ maxLength: 8 }),
    fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
    fc.constantFrom("true", "false", "1", "0", "null", "[]", "{}"),
  );
  return fc.oneof(
    { weight: 3, arbitrary: otherType },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
    { weight: boundaries.length > 0 ? 4 : 0, arbitrary: boundaries.length > 0 ? fc.constantFrom(...boundaries) : fc.constant(null) },
    { weight: 2, arbitrary: validValue(schema, components).map((value) => (typeof value === "string" ? `${value}\u0000` : value)) },
  );
}
