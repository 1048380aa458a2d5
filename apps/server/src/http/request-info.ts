import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context, RequestInfo } from "@cadence/api";
import { requestIdFor } from "./request-id.js";

/**
 * Kept on the request itself, not in a WeakMap keyed by it: V8's young-generation GC treats a WeakMap's values as
 * live, and this value refers back to its request, so every request (with its response and headers) outlived the
 * scavenges and was promoted to the old generation: ~2 MB a scavenge on the health paths, a full collection every
 * few hundred milliseconds under load.
 */
const INFO = Symbol("requestInfo");
type WithInfo = IncomingMessage & { [INFO]?: RequestInfo };

/**
 * The client's address: the socket's, or with `trustedHops` proxies in front, the address the outermost
 * trusted proxy saw (counting X-Forwarded-For from the right, so a client cannot spoof it by prepending).
 */
export function clientIp(req: IncomingMessage, trustedHops: number): string {
  const socketIp = req.socket.remoteAddress ?? "unknown";
  if (trustedHops === 0) return socketIp;
  const header = req.headers["x-forwarded-for"];
  const chain = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  return chain.at(-trustedHops) ?? chain[0] ?? socketIp;
}

/**
 * The transport-neutral request facts, computed once per request and shared by both surfaces. `identified` (given
 * on the first call) is told the caller's id once the API resolves it, for the access log.
 */
export function requestInfoOf(
  req: IncomingMessage,
  res: ServerResponse,
  trustedHops: number,
  identified?: (callerId: string) => void,
): RequestInfo {
  let info = (req as WithInfo)[INFO];
  if (!info) {
    const authorization = req.headers.authorization;
    info = {
      requestId: requestIdFor(req),
      ip: clientIp(req, trustedHops),
      authorization,
      header: (name) => {
        const value = req.headers[name.toLowerCase()];
        return Array.isArray(value) ? value.join(", ") : value;
      },
      setHeader: (name, value) => {
        if (!res.headersSent) res.setHeader(name, value);
      },
      identified,
    };
    (req as WithInfo)[INFO] = info;
  }
  return info;
}

/** Builds the one request context both surfaces use, from the real IncomingMessage. */
export type ContextFactory = (req: IncomingMessage, res: ServerResponse) => Context;
