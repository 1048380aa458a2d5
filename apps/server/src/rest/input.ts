import type { z } from "zod";

/** What a path or query parameter is converted to: its documented scalar type, or left a string. */
type Scalar = "number" | "boolean" | "string";

interface Field {
  array: boolean;
  scalar: Scalar;
}

/** How one route builds its input from the request, decided once from the procedure's input schema. */
export interface InputPlan {
  /** `z.void()` and the like: the procedure takes no input, whatever the request carries. */
  none: boolean;
  /** Top-level fields whose string parameters are converted (numbers, booleans, arrays). */
  fields: Map<string, Field>;
}

/** Steps through wrappers that do not change what a parameter is: optional, default, pipe input, and so on. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodTypes {
  const type = schema as z.core.$ZodTypes;
  const def = type._zod.def;
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "nonoptional":
    case "readonly":
    case "catch":
      return unwrap(def.innerType);
    case "pipe":
      return unwrap(def.in);
    case "lazy":
      return unwrap(def.getter());
    default:
      return type;
  }
}

function scalarOf(schema: z.core.$ZodTypes): Scalar {
  const type = schema._zod.def.type;
  return type === "number" ? "number" : type === "boolean" ? "boolean" : "string";
}

function fieldOf(schema: z.core.$ZodType): Field | undefined {
  const type = unwrap(schema);
  if (type._zod.def.type === "array") {
    return { array: true, scalar: scalarOf(unwrap((type as z.core.$ZodArray)._zod.def.element)) };
  }
  const scalar = scalarOf(type);
  return scalar === "string" ? undefined : { array: false, scalar };
}

/** The plan for a procedure's input parsers (tRPC allows several; their object shapes merge). */
export function planInput(parsers: readonly unknown[]): InputPlan {
  const fields = new Map<string, Field>();
  let none = false;
  for (const parser of parsers) {
    if (typeof parser !== "object" || parser === null || !("_zod" in parser)) continue;
    const type = unwrap(parser as z.core.$ZodType);
    const kind = type._zod.def.type;
    if (kind === "void" || kind === "undefined" || kind === "never") none = true;
    if (kind !== "object") continue;
    for (const [key, value] of Object.entries((type as z.core.$ZodObject)._zod.def.shape)) {
      const field = fieldOf(value);
      if (field) fields.set(key, field);
    }
  }
  return { none, fields };
}

const DECIMAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Numbers only from decimal text, booleans only from "true"/"false"; anything else stays as sent for zod to refuse. */
function convertScalar(scalar: Scalar, value: string): unknown {
  if (scalar === "number") {
    if (!DECIMAL.test(value)) return value;
    const number = Number(value);
    return Number.isFinite(number) ? number : value;
  }
  if (scalar === "boolean") return value === "true" ? true : value === "false" ? false : value;
  return value;
}

function convert(field: Field | undefined, value: string | string[]): unknown {
  if (!field) return value;
  if (field.array) return (Array.isArray(value) ? value : [value]).map((item) => convertScalar(field.scalar, item));
  return Array.isArray(value) ? value : convertScalar(field.scalar, value);
}

export type Params = Record<string, string | string[] | undefined>;

/**
 * Copies string parameters into `input`, converting each documented field; a repeated parameter arrives as an
 * array. The target has no prototype, so a parameter named `__proto__` is just a key zod will refuse.
 */
export function addParams(plan: InputPlan, input: Record<string, unknown>, params: Params): void {
  for (const key in params) {
    const value = params[key];
    if (value !== undefined) input[key] = convert(plan.fields.get(key), value);
  }
}

export function emptyInput(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}
