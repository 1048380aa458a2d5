import { randomUUID } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { idempotencyKeys, type Database } from "@cadence/db";

/** How long a key is remembered: a retry within this window replays, after it the key is new again. */
export const IDEMPOTENCY_TTL_HOURS = 24;
/**
 * A claim whose request has not finished after this long is abandoned (its process died, or the database went away
 * before the outcome could be recorded) and the next request with the key takes it over.
 */
export const IDEMPOTENCY_LEASE_SECONDS = 60;

/** A response recorded for a key. */
export interface StoredResponse {
  status: number;
  /** The procedure's output as JSON text; null for an output without a body. */
  body: string | null;
  headers: Record<string, string>;
}

export type Claim = { kind: "claimed"; claim: string } | { kind: "replay"; response: StoredResponse };

export interface KeyRef {
  caller: string;
  key: string;
}

const expired = sql`${idempotencyKeys.createdAt} < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`;
const abandoned = sql`(${idempotencyKeys.completedAt} is null and ${idempotencyKeys.createdAt} < now() - make_interval(secs => ${IDEMPOTENCY_LEASE_SECONDS}))`;

/**
 * Claims `key` for a request, atomically: the one statement inserts the record, or takes over an expired or abandoned
 * one, or does nothing when a live record exists, which is then read. A record still running is 409 (the draft's
 * answer to a concurrent retry: the key is busy, whatever the request); a completed one with another fingerprint is
 * 422, and with the same one it is replayed.
 */
export async function claimKey(db: Database, ref: KeyRef, fingerprint: string): Promise<Claim> {
  // A record released (deleted) between the two statements is claimed on the next round.
  for (let round = 0; round < 3; round += 1) {
    const claim = randomUUID();
    const [claimed] = await db
      .insert(idempotencyKeys)
      .values({ ...ref, fingerprint, claim })
      .onConflictDoUpdate({
        target: [idempotencyKeys.caller, idempotencyKeys.key],
        set: { fingerprint, claim, createdAt: sql`now()`, completedAt: null, status: null, responseBody: null, responseHeaders: null },
        setWhere: sql`${expired} or ${abandoned}`,
      })
      .returning({ claim: idempotencyKeys.claim });
    if (claimed) return { kind: "claimed", claim };
    const [existing] = await db
      .select({
        fingerprint: idempotencyKeys.fingerprint,
        completedAt: idempotencyKeys.completedAt,
        status: idempotencyKeys.status,
        body: idempotencyKeys.responseBody,
        headers: idempotencyKeys.responseHeaders,
      })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.caller, ref.caller), eq(idempotencyKeys.key, ref.key)));
    if (!existing) continue;
    if (existing.completedAt === null || existing.status === null) {
      throw new TRPCError({ code: "CONFLICT", message: "A request with this Idempotency-Key is still being processed; retry it shortly" });
    }
    if (existing.fingerprint !== fingerprint) {
      throw new TRPCError({ code: "UNPROCESSABLE_CONTENT", message: "This Idempotency-Key was already used with a different request; use a new key" });
    }
    const headers = existing.headers === null ? {} : (JSON.parse(existing.headers) as Record<string, string>);
    return { kind: "replay", response: { status: existing.status, body: existing.body, headers } };
  }
  throw new TRPCError({ code: "CONFLICT", message: "A request with this Idempotency-Key is being processed concurrently; retry it shortly" });
}

/** Records the response of a claimed key; a claim taken over meanwhile (see the lease) is left alone. */
export async function completeKey(db: Database, ref: KeyRef, claim: string, response: StoredResponse): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ completedAt: sql`now()`, status: response.status, responseBody: response.body, responseHeaders: JSON.stringify(response.headers) })
    .where(and(eq(idempotencyKeys.caller, ref.caller), eq(idempotencyKeys.key, ref.key), eq(idempotencyKeys.claim, claim)));
}

/** Forgets a claim whose request failed, so a retry with the same key runs again. */
export async function releaseKey(db: Database, ref: KeyRef, claim: string): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.caller, ref.caller), eq(idempotencyKeys.key, ref.key), eq(idempotencyKeys.claim, claim)));
}

/**
 * Deletes the records older than the 24 h window; returns how many. The one purge entry point: the server runs it on
 * a timer today, and a job queue can run it instead.
 */
export async function purgeExpiredIdempotencyKeys(db: Database): Promise<number> {
  const deleted = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`))
    .returning({ key: idempotencyKeys.key });
  return deleted.length;
}
