import { randomUUID } from "node:crypto";
import type { AppRouter } from "@cadence/api";
import { createTRPCClient, httpBatchLink, httpBatchStreamLink, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, login, register, signUp, type TokenPair } from "./support/auth.js";
import { createProject, createTask } from "./support/domain.js";
import type { RawRequest } from "./support/raw-http.js";
import { readRawStream, type RawStream } from "./support/raw-stream.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { trpcError } from "./support/trpc-error.js";
import { expectSameAnswer, startTrpcTwins, withoutGenerated, type TrpcTwins } from "./support/trpc-twins.js";

// The fast path for plain-JSON tRPC calls must answer exactly as tRPC's standalone adapter: the same requests go to
// a server with it and one without, and status, headers and body must match (framing aside).
const LIMIT = 16 * 1024;
const ENV = { BODY_LIMIT: "16kb" };

let database: TestServer;
let twins: TrpcTwins;
let user: TokenPair;
let projectId: string;
let apiKey: string;
let takenUsername: string;
beforeAll(async () => {
  database = await startTestServer(ENV);
  twins = await startTrpcTwins(ENV, database);
  user = (await signUp(database)).tokens;
  projectId = (await createProject(database, user.accessToken)).id;
  apiKey = (await createApiKey(database, user.accessToken, { scopes: ["projects:read"] })).key;
  takenUsername = (await register(database)).user.username;
});
afterAll(async () => {
  await twins.close();
  await database.close();
});

const JSON_TYPE = { "content-type": "application/json" };
const asUser = () => ({ authorization: `Bearer ${user.accessToken}` });
const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));
const get = (path: string, headers: Record<string, string> = {}): RawRequest => ({ method: "GET", path: `/trpc/${path}`, headers });
const post = (path: string, body: string | undefined, headers: Record<string, string> = {}): RawRequest => ({
  method: "POST",
  path: `/trpc/${path}`,
  headers: { ...JSON_TYPE, ...headers },
  ...(body === undefined ? {} : { body }),
});
const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("queries and mutations", () => {
  it("answers a query without input", async () => {
    const answer = await expectSameAnswer(twins, get("health.live"), "fast");
    expect(JSON.parse(answer.body)).toEqual({ result: { data: { status: "ok" } } });
  });

  it("answers a query with input, with the rate-limit headers the procedure sets", async () => {
    const answer = await expectSameAnswer(twins, get(`projects.get?input=${input({ id: projectId })}`, asUser()), "fast");
    expect(answer.status).toBe(200);
    expect(answer.headers["ratelimit-remaining"]).toBeDefined();
  });

  it("answers a mutation", async () => {
    const answer = await expectSameAnswer(twins, post("projects.create", JSON.stringify({ name: "Twin" }), asUser()), "fast", withoutGenerated);
    expect(answer.status).toBe(200);
  });

  it("answers a mutation that returns nothing", async () => {
    const refreshTokens = new Map<TestServer, string>();
    for (const server of [twins.fast, twins.standard]) refreshTokens.set(server, (await login(database, takenUsername, "correct-horse-battery")).refreshToken);
    const answer = await expectSameAnswer(twins, (server) => post("auth.logout", JSON.stringify({ refreshToken: refreshTokens.get(server) })), "fast");
    expect(answer.body).toBe('{"result":{}}');
  });

  it("answers HEAD with an empty 204", async () => {
    const answer = await expectSameAnswer(twins, { method: "HEAD", path: "/trpc/health.live" }, "either");
    expect(answer.status).toBe(204);
  });

  it("reads a GET that declares a JSON content type like any GET", async () => {
    await expectSameAnswer(twins, get("health.live", JSON_TYPE), "fast");
  });
});

describe("errors", () => {
  it.each([
    ["an unknown procedure (404)", () => get("nope.nothing")],
    ["a comma in a path without ?batch=1 (404)", () => get("health.live,health.ready")],
    ["a query sent as POST (405, Allow: GET)", () => post("health.live", undefined)],
    ["a mutation sent as GET (405, Allow: POST)", () => get(`projects.create?input=${input({ name: "x" })}`, asUser())],
    ["malformed JSON in ?input=", () => get(`projects.get?input=${encodeURIComponent("{bad")}`, asUser())],
    ["malformed JSON in the body", () => post("projects.create", "{bad", asUser())],
    ["an input zod refuses (issues)", () => get(`projects.get?input=${input({ id: "nope", extra: 1 })}`, asUser())],
    ["an empty POST body (no input)", () => post("projects.create", undefined, asUser())],
    ["no credentials (401)", () => get("users.me")],
    ["a user calling an admin procedure (403)", () => get("users.list?input=%7B%7D", asUser())],
    ["an API key managing keys (403)", () => get("apiKeys.list", { authorization: `Bearer ${apiKey}` })],
    ["a project that does not exist (404 from the service)", () => get(`projects.get?input=${input({ id: randomUUID() })}`, asUser())],
    ["a username already taken (409)", () => post("auth.register", JSON.stringify({ email: `${randomUUID()}@example.com`, username: takenUsername, password: "correct-horse-battery" }))],
  ])("answers %s", async (_name, request) => {
    const answer = await expectSameAnswer(twins, request(), "fast");
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { data: { code: expect.any(String) } } });
  });
});

describe("input limits", () => {
  it.each([
    ["a declared body over BODY_LIMIT (413, closes)", () => post("projects.create", "x".repeat(LIMIT + 100), asUser())],
    ["a chunked body over BODY_LIMIT (413, closes)", () => ({ ...post("projects.create", "x".repeat(LIMIT + 100), asUser()), chunked: true })],
    ["a body nested deeper than 64 (400)", () => post("projects.create", nested(65), asUser())],
    ["an ?input= nested deeper than 64 (400)", () => get(`projects.get?input=${input(JSON.parse(nested(65)))}`, asUser())],
    ["a batch input 64 deep inside its wrapper (zod answers)", () => get(`projects.get?batch=1&input=${input({ 0: JSON.parse(nested(64)) })}`, asUser())],
    ["a GET declaring a body over BODY_LIMIT (413, closes)", () => ({ ...get("health.live"), body: "x".repeat(LIMIT + 100) })],
    ["a body starting with a byte-order mark", () => post("projects.create", `\uFEFF${JSON.stringify({ name: "" })}`, asUser())],
  ])("answers %s", async (_name, request) => {
    await expectSameAnswer(twins, request(), "fast");
  });
});

describe("query strings", () => {
  it.each([
    ["a percent-encoded inpu%74 key", () => get(`projects.get?inpu%74=${input({ id: projectId })}`, asUser())],
    ["duplicate input parameters (the first counts)", () => get(`projects.get?input=${input({ id: projectId })}&input=${input({ id: "x" })}`, asUser())],
    ["an empty input parameter", () => get("health.live?input=")],
    ["percent-encoded non-ASCII input", () => get(`projects.list?input=${input({ q: "Zürich ✓" })}`, asUser())],
    ["raw JSON with quotes, a plus and a Latin-1 letter in the query", () => get('projects.list?input={"q":"a+b\u00e9"}', asUser())],
  ])("answers %s", async (_name, request) => {
    await expectSameAnswer(twins, request(), "fast");
  });
});

describe("batches", () => {
  it.each([
    ["a GET batch with success and error (207)", () => get(`health.live,projects.get?batch=1&input=${input({ 1: { id: randomUUID() } })}`, asUser())],
    ["a POST batch with success and error (207)", () => post("projects.create,projects.create?batch=1", JSON.stringify({ 0: { name: "B" }, 1: { name: "" } }), asUser())],
    ["a POST batch whose errors differ (207)", () => post("projects.create,auth.login?batch=1", JSON.stringify({ 0: { name: "" }, 1: { username: takenUsername, password: "wrong-password-x" } }), asUser())],
    ["?batch=1 with no input", () => get("health.live,users.me?batch=1", asUser())],
    ["a batch with an unknown procedure", () => get("health.live,nope?batch=1")],
    ["a batch whose input map is not an object", () => get(`health.live,health.live?batch=1&input=${input([1])}`)],
    ["a batch whose input map is not JSON", () => get("health.live?batch=1&input=nope")],
    ["a batch mixing a query and a mutation", () => get("health.live,projects.create?batch=1")],
  ])("answers %s", async (_name, request) => {
    await expectSameAnswer(twins, request(), "fast", withoutGenerated);
  });
});

describe("left to tRPC's adapter", () => {
  it.each([
    ["a POST without a content type (415)", () => ({ method: "POST", path: "/trpc/projects.create", body: "{}" })],
    ["form data", () => ({ method: "POST", path: "/trpc/projects.create", headers: { "content-type": "multipart/form-data; boundary=x" }, body: '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nF\r\n--x--\r\n' })],
    ["a streamed batch (trpc-accept: application/jsonl)", () => get("health.live,health.live?batch=1", { "trpc-accept": "application/jsonl" })],
    ["a percent-encoded procedure path", () => get("health%2Elive")],
    ["a path with a trailing slash", () => get("health.live/")],
    ["a PUT", () => ({ method: "PUT", path: "/trpc/health.live", headers: JSON_TYPE, body: "{}" })],
  ])("answers %s", async (_name, request) => {
    await expectSameAnswer(twins, request(), "adapter");
  });
});

it("answers a Host header tRPC cannot build a URL from with 400", async () => {
  const answer = await expectSameAnswer(twins, get("health.live", { host: "bad host" }), "either");
  expect(answer.status).toBe(400);
});

describe("rate limits", () => {
  let limited: TrpcTwins;
  beforeAll(async () => {
    limited = await startTrpcTwins({ ...ENV, RATE_LIMIT_REQUESTS: "2/1h" }, database);
  });
  afterAll(() => limited.close());

  it("answers 429 with Retry-After and the RateLimit headers once the limit is spent", async () => {
    const statuses: number[] = [];
    for (let call = 0; call < 3; call++) statuses.push((await expectSameAnswer(limited, get("users.me", asUser()), "fast")).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe("@trpc/client links against the fast path", () => {
  const links = {
    httpLink: (url: string, headers: () => Record<string, string>) => httpLink({ url, headers }),
    httpBatchLink: (url: string, headers: () => Record<string, string>) => httpBatchLink({ url, headers }),
    httpBatchStreamLink: (url: string, headers: () => Record<string, string>) => httpBatchStreamLink({ url, headers }),
  };

  it.each(Object.keys(links) as (keyof typeof links)[])("%s: queries, mutations and errors arrive as typed", async (name) => {
    const client = createTRPCClient<AppRouter>({ links: [links[name](`${twins.fast.url}/trpc`, asUser)] });
    const [live, me, created] = await Promise.all([
      client.health.live.query(),
      client.users.me.query(),
      client.projects.create.mutate({ name: `Linked ${name}` }),
    ]);
    expect(live).toEqual({ status: "ok" });
    expect(me.username).toEqual(expect.any(String));
    expect(created.name).toBe(`Linked ${name}`);
    expect(await trpcError(client.projects.get.query({ id: randomUUID() }))).toMatchObject({ code: "NOT_FOUND", httpStatus: 404 });
    expect(await trpcError(client.projects.create.mutate({ name: "" }))).toMatchObject({ code: "BAD_REQUEST", issues: [expect.objectContaining({ path: "name" })] });
    const [fine, missing] = await Promise.allSettled([client.projects.get.query({ id: created.id }), client.projects.get.query({ id: randomUUID() })]);
    expect(fine).toMatchObject({ status: "fulfilled", value: { id: created.id } });
    expect(missing).toMatchObject({ status: "rejected" });
  });
});

describe("subscriptions (httpSubscriptionLink's GET)", () => {
  /**
   * Headers that differ by framing or clock only (both answers are chunked streams), and the limiter's count: the
   * link tests above called the fast twin alone. They must be present on both all the same.
   */
  const UNCOMPARED = new Set(["date", "transfer-encoding", "ratelimit-reset", "ratelimit-remaining"]);
  const comparable = (stream: RawStream) => ({
    status: stream.status,
    headers: Object.fromEntries(Object.entries(stream.headers).map(([name, value]) => [name, UNCOMPARED.has(name) ? "<present>" : value])),
    body: stream.body,
    ended: stream.ended,
  });
  const events = (query: Record<string, unknown>, extra = "") => `/trpc/projects.events?input=${input(query)}${extra}`;
  const messages = (count: number) => (body: string) => body.split("\n\n\n").length > count;
  let streams = 0;

  /**
   * The same subscription on both twins, read until `until` holds or the stream ends; `whenOpen` runs once both
   * answered their head (both subscribed). Asserts the same status, headers and bytes, and that the fast twin wrote
   * each message as one chunk where tRPC's adapter writes a chunk per line.
   */
  async function expectSameStream(path: string, headers: Record<string, string>, until: (body: string) => boolean, whenOpen: () => Promise<unknown> = async () => {}) {
    const requestId = `conformance-stream-${++streams}`;
    let heads = 0;
    let opened: () => void = () => {};
    const bothOpen = new Promise<void>((resolve) => (opened = resolve));
    const onHead = () => ++heads === 2 && opened();
    const reading = [twins.fast, twins.standard].map((server) => readRawStream(server.url, path, { "x-request-id": requestId, ...headers }, until, onHead));
    await bothOpen;
    await whenOpen();
    const [fast, standard] = (await Promise.all(reading)) as [RawStream, RawStream];
    expect(comparable(fast)).toEqual(comparable(standard));
    expect(fast.chunks[0]).toBe(fast.body.slice(0, fast.body.indexOf("\n\n\n") + 3));
    expect(standard.chunks.length).toBeGreaterThan(fast.chunks.length);
    return fast;
  }

  it("streams a live change as tRPC's adapter does: connected, then the event tracked by its id", async () => {
    const stream = await expectSameStream(events({ projectId }), asUser(), messages(2), () => createTask(database, user.accessToken, projectId, { title: "Live" }));
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toBe("text/event-stream");
    expect(stream.body).toMatch(/^event: connected\ndata: \{"reconnectAfterInactivityMs":40000\}\n\n\ndata: \{.*"action":"task.create".*\}\nid: [0-9a-f-]{36}\n\n\n$/);
  });

  it("replays what followed lastEventId, from the input, the query or the Last-Event-ID header", async () => {
    const first = await createTask(database, user.accessToken, projectId, { title: "Before" });
    const audit = (await (await fetch(`${database.url}/api/v1/audit-events?projectId=${projectId}&entityId=${first.id}`, { headers: asUser() })).json()) as { items: { id: string }[] };
    const after = audit.items[0]?.id ?? "";
    expect(after).not.toBe("");
    await createTask(database, user.accessToken, projectId, { title: "After one" });
    await createTask(database, user.accessToken, projectId, { title: "After two" });
    for (const [path, headers] of [
      [events({ projectId, lastEventId: after }), asUser()],
      [events({ projectId }, `&lastEventId=${after}`), asUser()],
      [events({ projectId }), { ...asUser(), "last-event-id": after }],
    ] as const) {
      const stream = await expectSameStream(path, headers, messages(3));
      expect(stream.body).toContain('"title":{"before":null,"after":"After one"}');
      expect(stream.body).toContain('"title":{"before":null,"after":"After two"}');
    }
  });

  it("ends with a serialized-error message, as tRPC does, for every refusal before the stream", async () => {
    const outsider = (await signUp(database)).tokens;
    const refusals: [string, Record<string, string>][] = [
      [events({ projectId }), { authorization: `Bearer ${outsider.accessToken}` }],
      [events({ projectId }), {}],
      [events({ projectId: "not-a-uuid" }), asUser()],
      [`/trpc/projects.events?input=%7Bnot-json`, asUser()],
      [events({ projectId, lastEventId: randomUUID() }), asUser()],
      [events({ projectId }), { authorization: `Bearer ${apiKey}`.replace(/.$/, "x") }],
      [`/trpc/projects.events?input=${encodeURIComponent(nested(40))}`, asUser()],
    ];
    for (const [path, headers] of refusals) {
      const stream = await expectSameStream(path, headers, () => false);
      expect(stream.ended).toBe(true);
      expect(stream.body).toMatch(/\nevent: serialized-error\ndata: \{.*\}\n\n\n$/);
    }
  });
});
