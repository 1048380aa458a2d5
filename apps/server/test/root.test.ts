import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
let withPublicUrl: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  withPublicUrl = await startTestServer({ PUBLIC_URL: "https://cadence.example.com" });
});
afterAll(async () => {
  await server.close();
  await withPublicUrl.close();
});

describe("GET /", () => {
  it("answers a JSON index pointing to the docs, the document, REST and tRPC", async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as { name: string; links: Record<string, string> };
    expect(body).toEqual({
      name: "Cadence",
      links: { docs: "/docs", openapi: "/openapi.json", rest: "/api/v1", trpc: "/trpc", health: "/api/v1/health" },
    });
  });

  it("points to links that answer on the same server", async () => {
    const { links } = (await (await fetch(`${server.url}/`)).json()) as { links: Record<string, string> };
    for (const path of [links.docs, links.openapi, links.health]) {
      expect((await fetch(`${server.url}${path ?? "/missing"}`)).status, path).toBe(200);
    }
    expect((await fetch(`${server.url}${links.trpc ?? "/missing"}/health.live`)).status).toBe(200);
  });

  it("gives absolute links under PUBLIC_URL", async () => {
    const { links } = (await (await fetch(`${withPublicUrl.url}/`)).json()) as { links: Record<string, string> };
    expect(links.docs).toBe("https://cadence.example.com/docs");
    expect(links.rest).toBe("https://cadence.example.com/api/v1");
  });

  it("answers HEAD with the headers and no body", async () => {
    const res = await fetch(`${server.url}/`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.text()).toBe("");
  });

  it.each(["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])("answers %s with 405 and Allow: GET, HEAD", async (method) => {
    const res = await fetch(`${server.url}/`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect(await res.json()).toEqual({ code: "METHOD_NOT_SUPPORTED", message: `${method} is not allowed on /; use GET, HEAD` });
  });

  it("keeps the query string out of routing", async () => {
    expect((await fetch(`${server.url}/?utm=1`)).status).toBe(200);
  });
});
