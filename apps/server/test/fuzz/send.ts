import { SignJWT } from "jose";
import { TEST_JWT_SECRET } from "../support/server.js";
import type { FuzzCase } from "./cases.js";
import { encodeUri } from "./hostile.js";
import type { FuzzOperation } from "./operations.js";
import { Real, type Identity, type World } from "./world.js";

/** A case as it went over the wire, kept for the failure report. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** The JSON body with real values filled in, before serialisation. */
  value: unknown;
  /** Path and query parameters as sent, decoded. */
  params: { path: Record<string, string>; query: [string, string][] };
}

export interface Answer {
  status: number;
  contentType: string | null;
  text: string;
}

/** Replaces every Real placeholder in a value with the world's real value for the identity. */
async function fill(value: unknown, world: World, identity: Identity): Promise<unknown> {
  if (value instanceof Real) return world.resolve(value.kind, identity);
  if (Array.isArray(value)) return Promise.all(value.map((item) => fill(item, world, identity)));
  if (value !== null && typeof value === "object") {
    // fromEntries keeps keys such as "__proto__" as own properties, so they reach JSON.stringify.
    return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([key, item]) => [key, await fill(item, world, identity)] as const)));
  }
  return value;
}

const queryText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value) ?? "");

async function authorization(fuzzCase: FuzzCase, world: World, identity: Identity): Promise<string | undefined> {
  if (fuzzCase.auth === "none") return undefined;
  if (fuzzCase.auth === "garbage") return "Bearer not.a.token";
  if (fuzzCase.auth === "identity") {
    const token = await world.token(identity);
    return token ? `Bearer ${token}` : undefined;
  }
  const { kid, sid } = await world.forgeryBase();
  const token = await new SignJWT({ role: identity === "admin" ? "admin" : "user", sid })
    .setProtectedHeader({ alg: "HS256", kid })
    .setSubject(fuzzCase.auth.forgedSub)
    .setIssuer("cadence")
    .setAudience("cadence-api")
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
  return `Bearer ${token}`;
}

/** Fills in real values and builds the HTTP request of a case. */
export async function materialize(baseUrl: string, op: FuzzOperation, fuzzCase: FuzzCase, world: World, identity: Identity): Promise<SentRequest> {
  let path = op.path;
  const sentParams: SentRequest["params"] = { path: {}, query: [] };
  for (const [name, raw] of Object.entries(fuzzCase.path)) {
    const value = String(await fill(raw, world, identity));
    sentParams.path[name] = value;
    path = path.replace(`{${name}}`, encodeUri(value));
  }
  const params: string[] = [];
  for (const [name, raw] of fuzzCase.query) {
    const value = await fill(raw, world, identity);
    for (const item of Array.isArray(value) ? value : [value]) {
      sentParams.query.push([name, queryText(item)]);
      params.push(`${encodeUri(name)}=${encodeUri(queryText(item))}`);
    }
  }
  if (fuzzCase.rawQuery) params.push(fuzzCase.rawQuery);
  const headers: Record<string, string> = {};
  for (const [name, raw] of Object.entries(fuzzCase.headers)) headers[name] = String(await fill(raw, world, identity));
  const auth = await authorization(fuzzCase, world, identity);
  if (auth) headers.authorization = auth;
  let body: string | undefined;
  let value: unknown;
  if (fuzzCase.body.kind === "json") {
    value = await fill(fuzzCase.body.value, world, identity);
    body = JSON.stringify(value);
  } else if (fuzzCase.body.kind === "raw") {
    body = fuzzCase.body.text;
  }
  if (fuzzCase.body.kind !== "none" && fuzzCase.body.contentType !== null) headers["content-type"] = fuzzCase.body.contentType;
  const url = `${baseUrl}/api/v1${path}${params.length ? `?${params.join("&")}` : ""}`;
  return { method: op.method, url, headers, body, value, params: sentParams };
}

/** Sends a request; a body without a content type goes as raw bytes so fetch does not add text/plain. */
export async function send(request: SentRequest): Promise<Answer> {
  const payload = request.body === undefined ? undefined : request.headers["content-type"] === undefined ? new TextEncoder().encode(request.body) : request.body;
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: payload, redirect: "manual" });
  const contentType = response.headers.get("content-type");
  // An event stream that started never ends by itself: its status and media type are the answer.
  if (contentType?.startsWith("text/event-stream")) {
    await response.body?.cancel();
    return { status: response.status, contentType, text: "" };
  }
  return { status: response.status, contentType, text: await response.text() };
}
