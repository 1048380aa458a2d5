import { TRPCError } from "@trpc/server";
import { IF_MATCH } from "../schemas/tasks.js";

/** Reads an If-Match header carrying a version: `3`, `"3"` or `W/"3"`. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = IF_MATCH.exec(header);
  const digits = match?.[1] ?? match?.[2];
  if (!digits) throw new TRPCError({ code: "BAD_REQUEST", message: "If-Match must carry a task version, e.g. If-Match: 3" });
  return Number.parseInt(digits, 10);
}

/** The version a write expects, from the body or If-Match; both given and different is a client error. */
export function expectedVersionOf(fromBody: number | undefined, ifMatch: string | undefined): number | undefined {
  const fromHeader = parseIfMatch(ifMatch);
  if (fromBody !== undefined && fromHeader !== undefined && fromBody !== fromHeader) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "expectedVersion and If-Match disagree" });
  }
  return fromBody ?? fromHeader;
}
