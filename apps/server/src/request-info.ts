import type { IncomingMessage } from "node:http";
import type { RequestInfo } from "@cadence/api";
import { requestIdFor } from "./request-id.js";

const infos = new WeakMap<IncomingMessage, RequestInfo>();

/** The transport-neutral request facts, computed once per request and shared by both surfaces. */
export function requestInfoOf(req: IncomingMessage): RequestInfo {
  let info = infos.get(req);
  if (!info) {
    info = { requestId: requestIdFor(req), headers: req.headers, ip: req.socket.remoteAddress ?? "unknown" };
    infos.set(req, info);
  }
  return info;
}
