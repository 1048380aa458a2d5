import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** node:http rather than fetch, which refuses to send TRACE. */
function send(method: string, path: string): Promise<{ status: number; allow: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("methods a REST path does not serve", () => {
  it.each([
    ["TRACE", "/api/v1/health", "GET, HEAD"],
    ["PUT", "/api/v1/health", "GET, HEAD"],
    ["OPTIONS", "/api/v1/projects", "GET, HEAD, POST"],
    ["DELETE", "/api/v1/users/me", "GET, HEAD, PATCH"],
    ["POST", "/api/v1/tasks/00000000-0000-4000-8000-000000000000", "GET, HEAD, PUT, PATCH, DELETE"],
    ["PUT", "/api/v1/projects/00000000-0000-4000-8000-000000000000/tasks/", "GET, HEAD, POST"],
  ])("answer %s %s with 405 and Allow: %s", async (method, path, allow) => {
    const res = await send(method, path);
    expect(res.status).toBe(405);
    expect(res.allow).toBe(allow);
    expect(JSON.parse(res.body)).toEqual({ code: "METHOD_NOT_SUPPORTED", message: `${method} is not allowed on ${path}; use ${allow}` });
  });

  it.each([
    ["PUT", "/api/v1/nope"],
    ["TRACE", "/api/v1/projects/x/y/z"],
    ["GET", "/api/v1"],
  ])("keep answering an unknown path (%s %s) with 404", async (method, path) => {
    const res = await send(method, path);
    expect(res.status).toBe(404);
    expect(res.allow).toBeUndefined();
    expect(JSON.parse(res.body)).toEqual({ code: "NOT_FOUND", message: `No route for ${method} ${path}` });
  });

  it("answers HEAD on a GET path like GET, without a body (load balancers probe health this way)", async () => {
    const res = await send("HEAD", "/api/v1/health");
    expect(res.status).toBe(200);
    expect(res.body).toBe("");
    expect((await send("HEAD", "/api/v1/users/me")).status).toBe(401);
  });

  it("routes paths case-insensitively and ignores a trailing slash, as before", async () => {
    expect((await send("GET", "/api/v1/HEALTH")).status).toBe(200);
    expect((await send("GET", "/api/v1/health/")).status).toBe(200);
  });
});
