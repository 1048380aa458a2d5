import type { ServerResponse } from "node:http";
import type { PublicError } from "@cadence/api";
import { sendBody } from "./compression.js";

/** Writes a JSON body, compressed when it is large enough and the request (`res.req`) accepts a coding. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendBody(res.req, res, status, { "content-type": "application/json; charset=utf-8", ...headers }, JSON.stringify(body));
}

export function sendError(res: ServerResponse, status: number, error: PublicError, headers: Record<string, string> = {}): void {
  sendJson(res, status, error, headers);
}
