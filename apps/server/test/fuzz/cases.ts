import fc, { type Arbitrary } from "fast-check";
import { encodeUri, HOSTILE_QUERY_VALUES, HOSTILE_STRINGS, MALFORMED_BODIES, WRONG_CONTENT_TYPES } from "./hostile.js";
import type { FuzzOperation } from "./operations.js";
import { hostileValue, resolve, validValue, type Components, type Schema } from "./schema-arbitrary.js";
import { Real, type RealKind } from "./world.js";

export type Body =
  | { kind: "none" }
  | { kind: "json"; value: unknown; contentType: string | null }
  | { kind: "raw"; text: string; contentType: string | null };

/** One generated request, before real ids are filled in. */
export interface FuzzCase {
  /** What was varied, for the failure report. */
  mutation: string;
  path: Record<string, unknown>;
  query: [string, unknown][];
  /** Appended to the query string without encoding (malformed percent escapes). */
  rawQuery: string;
  headers: Record<string, unknown>;
  body: Body;
  auth: "identity" | "none" | "garbage" | { forgedSub: string };
}

const real = (kind: RealKind) => fc.constant(new Real(kind));

/** Real values a field can take, by `operationId.field` or by field name: a valid case uses them about half the time. */
const HINTS: Record<string, Arbitrary<unknown>> = {
  "auth-login.username": real("loginUsername"),
  "auth-login.password": real("loginPassword"),
  email: fc.oneof(fc.stringMatching(/^[a-z0-9._-]{1,20}@[a-z0-9-]{1,12}\.(test|example|com)$/), fc.emailAddress().filter((email) => email.length <= 254)),
  userId: fc.oneof(real("outsider"), real("member"), real("self")),
  assigneeId: fc.oneof(real("member"), real("self"), fc.constant("me")),
  projectId: real("project"),
  entityId: fc.oneof(real("project"), real("task")),
  actorId: real("self"),
  expectedVersion: real("taskVersion"),
  "if-match": real("taskVersion"),
  refreshToken: real("refreshToken"),
  currentPassword: real("password"),
};

/** The real row a path parameter names, by the path it appears in. */
function pathKind(path: string, name: string): RealKind {
  if (name === "userId" || path.startsWith("/users/")) return "member";
  if (path.startsWith("/api-keys/")) return "apiKey";
  if (path.startsWith("/tasks/")) return "task";
  return "project";
}

const pathSafe = (value: string) => value !== "" && !/^(\.|%2e){1,2}$/i.test(value) && encodeUri(value).length <= 4000;

function pathValue(path: string, name: string, reserved: string[]): Arbitrary<unknown> {
  const safe = (value: string) => pathSafe(value) && !reserved.includes(value);
  return fc.oneof(
    { weight: 7, arbitrary: real(pathKind(path, name)) },
    { weight: 2, arbitrary: fc.uuid({ version: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom("00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "00000000-0000-4000-8000-000000000000") },
    { weight: 3, arbitrary: fc.oneof(fc.constantFrom(...[...HOSTILE_STRINGS, "1", "-1", "me", "null", "0e0"].filter(safe)), fc.string({ minLength: 1, maxLength: 40, unit: "grapheme" }).filter(safe)) },
  );
}

const hinted = (operationId: string, name: string, schema: Schema, components: Components): Arbitrary<unknown> => {
  const hint = HINTS[`${operationId}.${name}`] ?? HINTS[name];
  return hint ? fc.oneof(hint, validValue(schema, components)) : validValue(schema, components);
};

function validBody(op: FuzzOperation, components: Components): Arbitrary<Record<string, unknown>> {
  const schema = resolve(op.body ?? {}, components);
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, hinted(op.operationId, name, property, components)]));
  return fc.record(properties, { requiredKeys: schema.required ?? [] });
}

/** A body with one property changed by `change` (its name is drawn from the schema's properties). */
function bodyWith(op: FuzzOperation, components: Components, change: (name: string, schema: Schema) => Arbitrary<[string, unknown] | null>) {
  const schema = resolve(op.body ?? {}, components);
  const names = Object.keys(schema.properties ?? {});
  return fc.tuple(validBody(op, components), fc.constantFrom(...names)).chain(([body, name]) =>
    change(name, schema.properties?.[name] ?? {}).map((entry) => Object.fromEntries([...Object.entries(body).filter(([key]) => key !== name), ...(entry ? [entry] : [])])),
  );
}

const EXTRA_NAMES = ["extra", "__proto__", "constructor", "id", "version", "createdAt", "updatedAt", "ownerId", "createdBy", "role", "passwordHash", ""];
const json = (value: unknown, contentType: string | null = "application/json"): Body => ({ kind: "json", value, contentType });

function bodyMutations(op: FuzzOperation, components: Components): { weight: number; arbitrary: Arbitrary<[string, Body]> }[] {
  if (!op.body) return [];
  const schema = resolve(op.body, components);
  const required = schema.required ?? [];
  const valid = validBody(op, components);
  const deep = (depth: number) => `{"${Object.keys(schema.properties ?? {})[0] ?? "a"}":${"[".repeat(depth)}${"]".repeat(depth)}}`;
  return [
    { weight: 5, arbitrary: valid.map((body) => ["valid", json(body)] as [string, Body]) },
    { weight: 1, arbitrary: valid.map((body) => ["valid, charset", json(body, "application/json; charset=utf-8")] as [string, Body]) },
    { weight: 6, arbitrary: bodyWith(op, components, (name, property) => hostileValue(property, components).map((value) => [name, value] as [string, unknown])).map((body) => ["hostile field", json(body)] as [string, Body]) },
    { weight: required.length ? 1 : 0, arbitrary: bodyWith(op, components, () => fc.constant(null)).filter((body) => required.some((name) => !(name in body))).map((body) => ["missing required", json(body)] as [string, Body]) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...EXTRA_NAMES), fc.jsonValue({ maxDepth: 1 })).map(([body, name, value]) => ["extra field", json(Object.fromEntries([...Object.entries(body), [name, value]]))] as [string, Body]) },
    { weight: 1, arbitrary: fc.oneof(valid.map((body) => [body]), fc.constantFrom<unknown>([], "text", 1, null, true, 1e308)).map((value) => ["not an object", json(value)] as [string, Body]) },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_BODIES).map((text) => ["malformed JSON", { kind: "raw", text, contentType: "application/json" }] as [string, Body]) },
    { weight: 1, arbitrary: fc.constantFrom(70, 1_000, 5_000).map((depth) => ["deeply nested", { kind: "raw", text: deep(depth), contentType: "application/json" }] as [string, Body]) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...WRONG_CONTENT_TYPES)).map(([body, type]) => ["wrong content type", json(body, type)] as [string, Body]) },
    { weight: 1, arbitrary: fc.constant(["no body", { kind: "none" }] as [string, Body]) },
  ].filter((mutation) => mutation.weight > 0);
}

function validQuery(op: FuzzOperation, components: Components): Arbitrary<[string, unknown][]> {
  const entries = op.queryParams.map((parameter) => fc.option(hinted(op.operationId, parameter.name, parameter.schema, components), { nil: undefined, freq: 2 }).map((value) => [parameter.name, value] as [string, unknown]));
  return fc.tuple(...entries).map((pairs) => pairs.filter(([, value]) => value !== undefined));
}

const queryValueSafe = (value: unknown) => typeof value !== "string" || encodeUri(value).length <= 4000;

function queryMutations(op: FuzzOperation, components: Components): { weight: number; arbitrary: Arbitrary<[string, [string, unknown][], string]> }[] {
  const valid = validQuery(op, components);
  const names = op.queryParams.map((parameter) => parameter.name);
  const hostileOne = fc.tuple(valid, fc.constantFrom(...(names.length ? names : ["q"]))).chain(([query, name]) => {
    const schema = op.queryParams.find((parameter) => parameter.name === name)?.schema ?? {};
    return fc.oneof(hostileValue(schema, components), fc.constantFrom(...HOSTILE_QUERY_VALUES)).filter(queryValueSafe).map((value) => [...query.filter(([key]) => key !== name), [name, value]] as [string, unknown][]);
  });
  return [
    { weight: names.length ? 5 : 0, arbitrary: hostileOne.map((query) => ["hostile query value", query, ""] as [string, [string, unknown][], string]) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...names, "unexpected", "page", "__proto__")).map(([query, name]) => ["extra or repeated query parameter", [...query, [name, "1"], [name, "2"]], ""] as [string, [string, unknown][], string]) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom("%", "%ZZ", "%FF", "%C0%80", "%E0%A4", "%00", "&&&", "=")).map(([query, raw]) => ["malformed query string", query, `${names[0] ?? "x"}=${raw}`] as [string, [string, unknown][], string]) },
  ].filter((mutation) => mutation.weight > 0);
}

/** Cases for one operation: valid requests mixed with every kind of invalid one, for fast-check to sample. */
export function caseArbitrary(op: FuzzOperation, components: Components): Arbitrary<FuzzCase> {
  const path = fc.record(Object.fromEntries(op.pathParams.map((parameter) => [parameter.name, pathValue(op.path, parameter.name, op.reservedSegments)])));
  const query = validQuery(op, components);
  const headers = fc.record(Object.fromEntries(op.headerParams.map((parameter) => [parameter.name, fc.oneof(real("taskVersion"), fc.constantFrom("", "0", "-1", "1.5", "*", "W/\"1\"", "1, 2", "abc", "99999999999999999999", "9007199254740993"))])), { requiredKeys: [] });
  const base = { body: op.body ? validBody(op, components).map((value) => json(value)) : fc.constant<Body>({ kind: "none" }), query, path, headers };
  const variants: { weight: number; arbitrary: Arbitrary<Partial<FuzzCase> & { mutation: string }> }[] = [
    { weight: op.body ? 0 : 4, arbitrary: fc.constant({ mutation: "valid" }) },
    ...bodyMutations(op, components).map(({ weight, arbitrary }) => ({ weight, arbitrary: arbitrary.map(([mutation, body]) => ({ mutation, body })) })),
    ...queryMutations(op, components).map(({ weight, arbitrary }) => ({ weight, arbitrary: arbitrary.map(([mutation, q, rawQuery]) => ({ mutation, query: q, rawQuery })) })),
    { weight: 1, arbitrary: fc.oneof(fc.constant<FuzzCase["auth"]>("garbage"), fc.constantFrom(...HOSTILE_STRINGS.slice(0, 20), "me", "1").map((sub) => ({ forgedSub: sub }))).map((auth) => ({ mutation: "bad credentials", auth })) },
  ].filter((variant) => variant.weight > 0);
  return fc.record({ ...base, variant: fc.oneof(...variants) }).map(({ variant, ...rest }) => ({ rawQuery: "", auth: "identity", ...rest, ...variant }) as FuzzCase);
}
