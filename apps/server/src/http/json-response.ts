import type { ServerResponse } from "node:http";
import type { PublicError } from "@cadence/api";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

export function sendError(res: ServerResponse, status: number, error: PublicError, headers: Record<string, string> = {}): void {
  sendJson(res, status, error, headers);
}
