import { createHash } from "node:crypto";
import { TRPCError } from "@trpc/server";
import type { Identity } from "../auth/identity.js";

/** The longest Idempotency-Key accepted: room for a UUID or a ULID with a prefix, not for a payload. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/** Printable US-ASCII, spaces allowed inside (the draft's sf-string alphabet), at least one character. */
const PRINTABLE = /^[\x20-\x7e]+$/;

const badKey = (message: string) => new TRPCError({ code: "BAD_REQUEST", message: `Idempotency-Key ${message}` });

/**
 * The key an `Idempotency-Key` header carries, or undefined without one. The IETF draft makes the field a
 * Structured Fields string (`"8e03978e-…"`); a bare token (`8e03978e-…`, as most clients send it) is taken as is.
 * Empty, longer than {@link IDEMPOTENCY_KEY_MAX_LENGTH}, or not printable ASCII: 400.
 */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  let key = header.trim();
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) key = key.slice(1, -1).replace(/\\(["\\])/g, "$1");
  if (key.length === 0) throw badKey("must not be empty");
  if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH) throw badKey(`must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`);
  if (!PRINTABLE.test(key)) throw badKey("must be printable ASCII (a UUID is a good key)");
  return key;
}

/** Keys are scoped per caller: a user, or one of their API keys (which is a caller of its own). */
export function callerOf(identity: Identity): string {
  return identity.kind === "api_key" ? `key:${identity.apiKeyId}` : `user:${identity.userId}`;
}

/** JSON with object keys sorted, so `{"a":1,"b":2}` and `{ "b": 2, "a": 1 }` are the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`);
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * What makes two requests "the same request" for a key: the procedure and its input as sent (REST: the body with
 * the path parameters), before validation, so a body that differs only in key order or white space matches.
 */
export function fingerprintOf(path: string, rawInput: unknown): string {
  return createHash("sha256").update(path).update("\n").update(canonical(rawInput)).digest("base64url");
}
