import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppResponse } from "../src/http/response.js";

/** Each path answers in one of the ways the server's code does; every response has the same two defaults. */
const answers: Record<string, (res: AppResponse) => void> = {
  "/one-write-head": (res) => res.writeHead(200, { "content-type": "text/plain" }).end("a"),
  "/reason-phrase": (res) => res.writeHead(201, "Made", { "content-type": "text/plain" }).end("b"),
  "/implicit": (res) => res.end("c"),
  "/set-then-write-head": (res) => {
    res.setHeader("cache-control", "no-store");
    res.writeHead(200, { "content-type": "text/plain" }).end("d");
  },
  "/own-value-set": (res) => {
    res.setHeader("X-Frame-Options", "SAMEORIGIN");
    res.end("e");
  },
  "/own-value-in-write-head": (res) => res.writeHead(200, { "X-Frame-Options": "SAMEORIGIN" }).end("f"),
  "/raw-list": (res) => res.writeHead(200, ["content-type", "text/plain", "x-frame-options", "SAMEORIGIN"]).end("g"),
  "/twice": (res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    let refused = false;
    try {
      res.writeHead(200);
    } catch {
      refused = true;
    }
    res.end(`refused: ${refused}`);
  },
};

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer<typeof IncomingMessage, typeof AppResponse>({ ServerResponse: AppResponse }, (req, res) => {
    res.setDefaultHeaders(["x-request-id", "req-1", "x-frame-options", "DENY"]);
    answers[req.url ?? ""]?.(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("a response's default headers", () => {
  it("go out with the headers of a single writeHead, however the status is sent", async () => {
    for (const path of ["/one-write-head", "/reason-phrase", "/implicit", "/set-then-write-head"]) {
      const res = await fetch(url + path);
      await res.text();
      expect(res.headers.get("x-request-id"), path).toBe("req-1");
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
    }
    const reason = await fetch(`${url}/reason-phrase`);
    expect([reason.status, reason.statusText, reason.headers.get("content-type")]).toEqual([201, "Made", "text/plain"]);
    expect((await fetch(`${url}/set-then-write-head`)).headers.get("cache-control")).toBe("no-store");
  });

  it("give way to a header of the same name the answer sets, in any case and either way", async () => {
    for (const path of ["/own-value-set", "/own-value-in-write-head", "/raw-list"]) {
      const res = await fetch(url + path);
      await res.text();
      expect(res.headers.get("x-frame-options"), path).toBe("SAMEORIGIN");
      expect(res.headers.get("x-request-id"), path).toBe("req-1");
    }
  });

  it("are sent once, and a second writeHead still fails as Node's does", async () => {
    const res = await fetch(`${url}/twice`);
    expect(await res.text()).toBe("refused: true");
    expect(res.headers.get("x-request-id")).toBe("req-1");
  });
});
