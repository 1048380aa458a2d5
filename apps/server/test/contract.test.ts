import { randomUUID } from "node:crypto";
import { idempotencyKeys } from "@cadence/db";
import { createCadenceRestClient } from "@cadence/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtures, scopesWithout, valid, type Call, type Fixtures } from "./contract/requests.js";
import { responseValidator, type OpenApiDocument, type Operation } from "./contract/validator.js";
import committed from "../../../packages/rest-client/openapi.json" with { type: "json" };
import { startTestServer, type TestServer } from "./support/server.js";

/**
 * The REST contract: every operation in /openapi.json is called through @cadence/rest-client for its success
 * status and each documented error status that can be provoked, and every answer is validated against the
 * document's schema for that status. An operation or status without a case fails the suite.
 */

const PROVOKABLE = [304, 400, 401, 403, 404, 409, 415, 422, 429];
const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

let server: TestServer;
let limited: TestServer;
let document: OpenApiDocument;
let check: ReturnType<typeof responseValidator>;
let fx: Fixtures;

beforeAll(async () => {
  server = await startTestServer();
  // Shares the database (and so every account) but allows one request per window on every limiter.
  limited = await startTestServer(
    { RATE_LIMIT_REQUESTS: "1/1m", RATE_LIMIT_LOGIN: "1/1m", RATE_LIMIT_REGISTER: "1/1h", RATE_LIMIT_REFRESH: "1/1m" },
    { shareDatabaseWith: server },
  );
  document = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApiDocument;
  check = responseValidator(document);
  fx = fixtures(server);
});
afterAll(async () => {
  // stop() leaves the shared database open and also stops this instance's job workers.
  await limited?.running.stop();
  await server?.close();
});

type Send = (client: ReturnType<typeof createCadenceRestClient>, call: Call) => Promise<{ status: number; body: unknown; headers: Headers }>;

/** `stream`: the success answer is an event stream, taken as its status alone (it never ends by itself). */
function sender(method: string, path: string, contentType?: string, stream = false): Send {
  return async (client, call) => {
    const fn = (client as unknown as Record<string, (path: string, init: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>>)[method.toUpperCase()];
    if (!fn) throw new Error(`no client method ${method}`);
    const result = await fn(path, {
      params: { path: call.path ?? {}, query: call.query ?? {} },
      ...(call.body === undefined ? {} : { body: call.body }),
      headers: call.headers ?? {},
      ...(stream ? { parseAs: "stream" } : {}),
      ...(contentType ? { bodySerializer: (body: unknown) => `not json: ${JSON.stringify(body)}`, headers: { ...call.headers, "content-type": contentType } } : {}),
    });
    if (stream && result.data instanceof ReadableStream) {
      await result.data.cancel();
      return { status: result.response.status, body: undefined, headers: result.response.headers };
    }
    // A 304 has no content; openapi-fetch reads its empty body as the error text "".
    const body = result.response.status === 304 ? undefined : (result.data ?? result.error);
    return { status: result.response.status, body, headers: result.response.headers };
  };
}

const clientFor = (target: TestServer, token?: string) => createCadenceRestClient({ url: target.url, ...(token ? { token } : {}) });

/** Turns a valid call into one that provokes `status`, or says why it cannot. */
async function provoke(operationId: string, status: number, call: Call, target: { server: TestServer }): Promise<Call> {
  const entry = valid[operationId];
  // An array body (an import) becomes an object, which such an operation refuses.
  const withUnknown = (c: Call): Call => (c.body ? { ...c, body: { ...c.body, unexpected: 1 } } : { ...c, query: { ...c.query, unexpected: 1 } });
  const replaceIds = (c: Call): Call => ({ ...c, path: Object.fromEntries(Object.keys(c.path ?? {}).map((k) => [k, UNKNOWN_ID])) });
  switch (status) {
    case 400:
      return withUnknown(call);
    case 415:
      return call;
    case 404:
      return replaceIds(call);
    case 401:
      if (operationId === "auth-login") return { body: { ...call.body, password: "wrong-password" } };
      if (operationId === "auth-refresh" || operationId === "auth-logout") return { body: { refreshToken: "not-a-refresh-token" } };
      return { ...call, token: undefined } as Call;
    case 403: {
      if (operationId.startsWith("users-") && operationId !== "users-updateMe" && operationId !== "users-changePassword") {
        return { ...call, token: (await fx.person()).tokens.accessToken };
      }
      const owner = await fx.person();
      const key = (await fx.apiKey(owner, scopesWithout(entry?.scope === "none" ? null : (entry?.scope ?? null)))).key;
      return { ...call, token: key };
    }
    case 304:
      return { ...call, headers: { ...call.headers, "if-none-match": "*" } };
    case 409:
      return operationId === "projects-members-add" || !isIdempotent(operationId) ? conflict(operationId, call) : keyInUse(call);
    case 422:
      return keyReused(operationId, call, target.server);
    case 429:
      target.server = limited;
      // Successful logins are not limited; failed ones are.
      return operationId === "auth-login" ? { body: { ...call.body, password: "wrong-password" } } : call;
    default:
      return call;
  }
}

function isIdempotent(operationId: string): boolean {
  const operation = operations().find(([, , op]) => op.operationId === operationId)?.[2];
  return JSON.stringify(operation?.parameters ?? []).includes('"Idempotency-Key"');
}

/** The caller's user id, from the access token's `sub`. */
function userIdOf(token: string | undefined): string {
  const payload = JSON.parse(Buffer.from(token?.split(".")[1] ?? "", "base64url").toString()) as { sub: string };
  return payload.sub;
}

/** A create whose Idempotency-Key a request of the same caller still holds: 409. */
async function keyInUse(call: Call): Promise<Call> {
  const key = randomUUID();
  await server.running.database.db.insert(idempotencyKeys).values({ caller: `user:${userIdOf(call.token)}`, key, fingerprint: "in flight", claim: randomUUID() });
  return { ...call, headers: { ...call.headers, "idempotency-key": key } };
}

/** A create whose Idempotency-Key was used with another request: 422. */
async function keyReused(operationId: string, call: Call, target: TestServer): Promise<Call> {
  const key = randomUUID();
  const keyed = { ...call, headers: { ...call.headers, "idempotency-key": key } };
  const first = await sender("POST", committedPathOf(operationId))(clientFor(target, call.token), keyed);
  expect(first.status, JSON.stringify(first.body)).toBeLessThan(300);
  // Another request under the same key: an array body (an import) gains a row, an object body a field.
  const body: Call["body"] = Array.isArray(call.body) ? [...call.body, { title: "Reused" }] : { ...call.body, reused: true };
  return { ...keyed, body };
}

function committedPathOf(operationId: string): string {
  return operations().find(([, , op]) => op.operationId === operationId)?.[1] ?? "";
}

/** The 409 of each operation that documents one. */
async function conflict(operationId: string, call: Call): Promise<Call> {
  switch (operationId) {
    case "auth-register": {
      const existing = await fx.person();
      return { body: { ...call.body, username: existing.username } };
    }
    case "users-updateMe":
      return { ...call, body: { email: `${(await fx.person()).username}@example.com` } };
    case "users-update": {
      const admin = await fx.admin();
      const me = (await (await fetch(`${server.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${admin.accessToken}` } })).json()) as { id: string };
      expect(me).toMatchObject({ id: expect.any(String) });
      return { token: admin.accessToken, path: { id: me.id }, body: { role: "user" } };
    }
    case "projects-members-add": {
      const first = await server.rest(`/projects/${call.path?.id ?? ""}/members`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${call.token ?? ""}` },
        body: JSON.stringify(call.body),
      });
      expect(first.status).toBe(201);
      return call;
    }
    case "projects-members-update":
    case "projects-members-remove": {
      const team = await fx.team();
      return { token: team.owner.tokens.accessToken, path: { id: team.projectId, userId: team.owner.id }, ...(call.body ? { body: { role: "member" } } : {}) };
    }
    case "tasks-replace":
    case "tasks-update":
      return { ...call, body: { ...call.body, expectedVersion: 99 } };
    default:
      throw new Error(`no 409 case for ${operationId}`);
  }
}

// Tests are declared from the committed document, which the first test proves equal to the served one.
const committedDocument = committed as unknown as OpenApiDocument;

const operations = (): [string, string, Operation][] =>
  Object.entries(committedDocument.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => [`${method.toUpperCase()} ${path}`, path, op] as [string, string, Operation]),
  );

describe("the REST contract", () => {
  it("serves exactly the document the REST client was generated from", () => {
    expect(document).toEqual(committedDocument);
  });

  it("has a success request for every operation", () => {
    const missing = operations().map(([, , op]) => op.operationId).filter((id) => !valid[id]);
    expect(missing).toEqual([]);
  });

  for (const [name, path, op] of operations()) {
    const method = name.split(" ")[0] ?? "GET";
    const statuses = Object.keys(op.responses).map(Number);
    const success = statuses.find((status) => status >= 200 && status < 300) ?? 200;
    describe(`${name} (${op.operationId})`, () => {
      for (const status of [success, ...statuses.filter((s) => PROVOKABLE.includes(s))]) {
        it(`answers ${status} as documented`, async () => {
          const entry = valid[op.operationId];
          expect(entry, `no request for ${op.operationId}`).toBeDefined();
          const base = await (entry as NonNullable<typeof entry>).make(fx);
          const target = { server };
          const call = status === success ? base : await provoke(op.operationId, status, base, target);
          const stream = Object.values(op.responses).some((response) => JSON.stringify(response).includes("text/event-stream"));
          const send = sender(method, path, status === 415 ? "text/plain" : undefined, stream);
          const client = clientFor(target.server, call.token);
          let result = await send(client, call);
          for (let i = 0; status === 429 && result.status !== 429 && i < 3; i++) result = await send(client, call);
          expect(result.status, JSON.stringify(result.body)).toBe(status);
          expect(check(op, result.status, result.body)).toEqual([]);
          // Headers the document promises on this answer (ETag, Idempotent-Replayed is only on replays).
          const documented = Object.keys(op.responses[String(status)]?.headers ?? {}).filter((name) => name !== "Idempotent-Replayed" && name !== "Retry-After");
          for (const header of documented) expect(result.headers.get(header), `${header} on ${status}`).not.toBeNull();
        });
      }
    });
  }

  it("documents every error an authenticated operation can give: 401 and 429", () => {
    for (const [name, , op] of operations()) {
      if (op.security && op.security.length === 0) continue;
      expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(["401", "429", "500"]));
    }
  });
});
