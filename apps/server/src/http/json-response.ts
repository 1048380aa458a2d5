import type { ServerResponse } from "node:http";
import type { PublicError } from "@cadence/api";
import { sendBody } from "./compression.js";

const JSON_TYPE = "application/json; charset=utf-8";

/** Writes a JSON body, compressed when it is large enough and the request (`res.req`) accepts a coding. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/** The same, for a body already serialized (the REST layer hashes it for the ETag first). */
export function sendJsonText(res: ServerResponse, status: number, json: string, headers?: Record<string, string>): void {
  // A fresh object either way: sendBody adds the length to it.
  sendBody(res.req, res, status, headers ? { "content-type": JSON_TYPE, ...headers } : { "content-type": JSON_TYPE }, json);
}

export function sendError(res: ServerResponse, status: number, error: PublicError, headers?: Record<string, string>): void {
  sendJson(res, status, error, headers);
}
