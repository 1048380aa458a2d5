import type { IncomingMessage, ServerResponse } from "node:http";
import { sendError } from "./json-response.js";

const ALLOW = "GET, HEAD";

/**
 * `GET /`: a small JSON index of the surfaces, so a first `curl localhost:3000` finds its way. Links are relative,
 * or absolute under `publicUrl`. Built once; a web app served at `/` later replaces this one handler.
 */
export function createRootHandler(paths: { rest: string; trpc: string }, publicUrl = "") {
  const origin = publicUrl.replace(/\/+$/, "");
  const link = (path: string) => `${origin}${path}`;
  const body = JSON.stringify({
    name: "Cadence",
    links: {
      docs: link("/docs"),
      openapi: link("/openapi.json"),
      rest: link(paths.rest),
      trpc: link(paths.trpc),
      health: link(`${paths.rest}/health`),
    },
  });
  const headers = { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) };

  return (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") {
      return sendError(res, 405, { code: "METHOD_NOT_SUPPORTED", message: `${method} is not allowed on /; use ${ALLOW}` }, { allow: ALLOW });
    }
    res.writeHead(200, headers);
    res.end(method === "HEAD" ? undefined : body);
  };
}
