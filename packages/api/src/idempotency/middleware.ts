import { TRPCError } from "@trpc/server";
import { middlewareMarker } from "@trpc/server/unstable-core-do-not-import";
import type { Identity } from "../auth/identity.js";
import type { Context } from "../context.js";
import { successStatusOf, type Meta } from "../meta.js";
import { callerOf, fingerprintOf, parseIdempotencyKey } from "./keys.js";
import { isSealed, seal, unseal } from "./seal.js";
import { claimKey, completeKey, releaseKey, type KeyRef, type StoredResponse } from "./store.js";

/** Response headers a procedure may set that belong to the response itself, so a replay sends them again. */
const RECORDED_HEADERS = new Set(["location", "content-location", "cache-control"]);

/** What a gate middleware knows about the call, as tRPC passes it. */
export interface IdempotentCall {
  ctx: Context;
  meta: Meta | undefined;
  path: string;
  getRawInput: () => Promise<unknown>;
}

/** The next step of the chain, given the `setHeader` to use: the request's, or one that also records. */
type Run<R> = (setHeader: Context["setHeader"]) => Promise<R>;

/**
 * Runs a create procedure (`meta.idempotent`) under its caller's `Idempotency-Key`, if the request sends one:
 * the first request with a key runs and its response is recorded; a retry with the same key and request within
 * 24 h gets that response again (`Idempotent-Replayed: true`) without running anything, so no second row and no
 * second audit event; the same key with another request is 422, and a retry while the first still runs is 409.
 * A failed request records nothing: retrying it with the same key runs it again. Without the header, or on a
 * procedure without the flag, it costs nothing: no query, no wrapper.
 */
export function idempotently<R extends { ok: boolean }>(call: IdempotentCall, identity: Identity, run: Run<R>): Promise<R> {
  // Not async: the common case (no flag, or no header) adds no promise of its own to the call.
  const key = call.meta?.idempotent ? parseIdempotencyKey(call.ctx.header("idempotency-key")) : undefined;
  if (key === undefined) return run(call.ctx.setHeader);
  return underKey(call, identity, key, run);
}

async function underKey<R extends { ok: boolean }>(call: IdempotentCall, identity: Identity, key: string, run: Run<R>): Promise<R> {
  const { ctx } = call;
  const ref: KeyRef = { caller: callerOf(identity), key };
  const claim = await claimKey(ctx.db, ref, fingerprintOf(call.path, await call.getRawInput()));
  if (claim.kind === "replay") return replay(ctx, claim.response) as unknown as R;

  const recorded: Record<string, string> = {};
  const setHeader = (name: string, value: string) => {
    if (RECORDED_HEADERS.has(name.toLowerCase())) recorded[name.toLowerCase()] = value;
    ctx.setHeader(name, value);
  };
  let result: R;
  try {
    result = await run(setHeader);
  } catch (error) {
    await releaseKey(ctx.db, ref, claim.claim).catch(() => undefined);
    throw error;
  }
  // The outcome is the request's answer whatever happens to its record: a record that cannot be written stays
  // claimed until its lease runs out, and is then taken over.
  if (!result.ok) await releaseKey(ctx.db, ref, claim.claim).catch(() => undefined);
  else {
    const data = (result as unknown as { data: unknown }).data;
    await completeKey(ctx.db, ref, claim.claim, recordOf(ctx, call.meta, data, recorded)).catch(() => undefined);
  }
  return result;
}

function recordOf(ctx: Context, meta: Meta | undefined, data: unknown, headers: Record<string, string>): StoredResponse {
  const text = data === undefined ? null : JSON.stringify(data);
  const secret = headers["cache-control"]?.includes("no-store") ?? false;
  return { status: successStatusOf(meta, data), body: text !== null && secret ? seal(text, ctx.auth.keys) : text, headers };
}

/**
 * The recorded answer as the chain's result. tRPC's resolver step builds results the same way (the marker is a
 * plain string it checks only in types), so REST and /trpc then treat it exactly as a fresh output.
 */
function replay(ctx: Context, response: StoredResponse): { ok: true; data: unknown; ctx: Context; marker: typeof middlewareMarker } {
  const text = response.body !== null && isSealed(response.body) ? unseal(response.body, ctx.auth.keys) : response.body;
  if (text === undefined) {
    throw new TRPCError({ code: "CONFLICT", message: "This Idempotency-Key's response can no longer be replayed (the server's keys changed); use a new key" });
  }
  for (const [name, value] of Object.entries(response.headers)) ctx.setHeader(name, value);
  ctx.setHeader("Idempotent-Replayed", "true");
  return { ok: true, data: text === null ? undefined : (JSON.parse(text) as unknown), ctx, marker: middlewareMarker };
}
