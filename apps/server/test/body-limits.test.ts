import { request, type IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, signUp, type TokenPair } from "./support/auth.js";
import { createProject } from "./support/domain.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { trpcError } from "./support/trpc-error.js";

let server: TestServer;
let tokens: TokenPair;
beforeAll(async () => {
  server = await startTestServer({ BODY_LIMIT: "64kb" });
  tokens = (await signUp(server)).tokens;
});
afterAll(() => server.close());

const MB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, "a");

/** Yields `total` bytes of one reused chunk: a huge body without holding it in memory. */
function* bytes(total: number) {
  for (let sent = 0; sent < total; sent += CHUNK.length) yield CHUNK;
}

/** POSTs a streamed body and resolves with the answer as soon as it arrives, abandoning the rest of the upload. */
function postStream(path: string, total: number, declareLength: boolean): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (declareLength) headers["content-length"] = String(total);
    const req = request(`${server.url}${path}`, { method: "POST", headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        req.destroy();
      });
    });
    // The server may close the socket while the upload is still going; the answer above is what counts.
    req.on("error", (error) => setImmediate(() => reject(error)));
    Readable.from(bytes(total)).pipe(req);
  });
}

function nested(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

describe("BODY_LIMIT", () => {
  it.each([
    ["declared Content-Length", true],
    ["chunked", false],
  ])("refuses a 200 MB anonymous tRPC body (%s) with 413 while RSS grows by less than 20 MB", async (_how, declared) => {
    const before = process.memoryUsage().rss;
    const answer = await postStream("/trpc/auth.login", 200 * MB, declared);
    const grown = process.memoryUsage().rss - before;
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 } } });
    expect(grown).toBeLessThan(20 * MB);
  });

  it.each([
    ["declared Content-Length", true],
    ["chunked", false],
  ])("refuses a REST body over the limit (%s) with 413 PAYLOAD_TOO_LARGE", async (_how, declared) => {
    const answer = await postStream("/api/v1/auth/login", 10 * MB, declared);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ code: "PAYLOAD_TOO_LARGE", message: expect.stringContaining("65536 bytes") });
  });

  it.each(["/openapi.json", "/api/v1/health", "/api/v1/nope"])("refuses a declared oversized body on %s before routing it", async (path) => {
    const answer = await postStream(path, 10 * MB, true);
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe("close");
    expect(JSON.parse(answer.body)).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  });

  it("accepts a body just under the limit on both surfaces", async () => {
    const name = "n".repeat(60 * 1024);
    const rest = await server.rest("/projects", json("POST", { name }, tokens.accessToken));
    expect(rest.status).toBe(400);
    expect(await rest.json()).toMatchObject({ code: "BAD_REQUEST", issues: [expect.objectContaining({ path: "name" })] });
    const trpc = await fetch(`${server.url}/trpc/projects.create`, json("POST", { name }, tokens.accessToken));
    expect(trpc.status).toBe(400);
  });
});

describe("JSON nesting depth", () => {
  it("answers 400, not 500, for a REST body nested 4,111 levels deep", async () => {
    const project = await createProject(server, tokens.accessToken);
    const body = `{"title":"deep","tags":${nested(4111)}}`;
    const res = await server.rest(`/projects/${project.id}/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens.accessToken}` },
      body,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: "BAD_REQUEST", message: "JSON is nested deeper than 64 levels" });
  });

  it("answers 400 for a tRPC body or ?input= nested deeper than 64 levels", async () => {
    const project = await createProject(server, tokens.accessToken);
    const input = `{"projectId":"${project.id}","title":"deep","tags":${nested(100)}}`;
    const post = await fetch(`${server.url}/trpc/tasks.create`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens.accessToken}` },
      body: input,
    });
    expect(post.status).toBe(400);
    expect(await post.json()).toMatchObject({ error: { message: "JSON is nested deeper than 64 levels", data: { code: "BAD_REQUEST" } } });

    const get = await fetch(`${server.url}/trpc/tasks.list?input=${encodeURIComponent(input)}`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(get.status).toBe(400);
    expect(await get.json()).toMatchObject({ error: { message: "JSON is nested deeper than 64 levels", data: { code: "BAD_REQUEST" } } });

    // tRPC decodes a percent-encoded parameter name, so the guard must read `inpu%74` as `input` too.
    const encodedKey = await fetch(`${server.url}/trpc/tasks.list?inpu%74=${encodeURIComponent(input)}`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(encodedKey.status).toBe(400);
    expect(await encodedKey.json()).toMatchObject({ error: { message: "JSON is nested deeper than 64 levels" } });
  });

  it("lets 64 levels through to validation", async () => {
    const project = await createProject(server, tokens.accessToken);
    const res = await server.rest(`/projects/${project.id}/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens.accessToken}` },
      body: `{"title":"deep","tags":${nested(63)}}`,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "BAD_REQUEST", message: "Input validation failed" });

    // A tRPC batch wraps the input in {"0": ...}; that level does not count against the limit.
    const tags = JSON.parse(nested(63)) as string[];
    const error = await trpcError(server.trpc(tokens.accessToken).tasks.create.mutate({ projectId: project.id, title: "deep", tags }));
    expect(error).toMatchObject({ code: "BAD_REQUEST", issues: [expect.objectContaining({ path: "tags.0" })] });
  });
});
