import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

const SANE_TOKEN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The caller's X-Request-ID when it is a sane token of at most 128 characters, else a fresh UUID. */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers["x-request-id"];
  return typeof incoming === "string" && SANE_TOKEN.test(incoming) ? incoming : randomUUID();
}
