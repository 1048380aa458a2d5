import { initTRPC, TRPCError, type TRPCProcedureType } from "@trpc/server";
import type { Identity, IdentityResult } from "./auth/identity.js";
import type { Context } from "./context.js";
import { toPublicError } from "./errors.js";
import type { Meta } from "./meta.js";
import { idempotently } from "./idempotency/middleware.js";
import { privateNoCache } from "./no-store.js";
import { enforce } from "./rate-limit/headers.js";
import { OUTAGE_RETRY_AFTER_SECONDS, withDeadline } from "./database-outage.js";
import { isConcurrencyFailure, isDatabaseUnavailable, isDataException } from "./services/db-errors.js";
import type { Scope } from "./schemas/scopes.js";
import { traced, traceProcedure } from "./tracing.js";
import { guardedDatabase, type WriteGuard } from "./write-guard.js";

type UserIdentity = Extract<Identity, { kind: "user" }>;

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    /** Subscriptions over SSE: a comment every 15 s keeps proxies and clients from calling the stream dead. */
    sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 40_000 } },
    /** The one error formatter: the tRPC envelope keeps its shape, `data` carries the public error only. */
    errorFormatter({ shape, error }) {
      const publicError = toPublicError(error);
      return {
        message: publicError.message,
        code: shape.code,
        data: {
          code: publicError.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          ...(publicError.issues ? { issues: publicError.issues } : {}),
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** No identity and no request limit: health and readiness only, so probes never get throttled. */
export const probeProcedure = t.procedure.use(traceProcedure);

/**
 * Database refusals that are not server faults: values it cannot store (NUL bytes, out-of-range dates) are the
 * client's error (400); a deadlock or serialization failure with a concurrent request is a conflict to retry (409);
 * a database that is down, unreachable or too slow is 503 with Retry-After, within `databaseTimeoutMs` (the
 * deadline also bounds waiting for a pooled connection, which the driver's own timeouts do not). A mutation's
 * transaction that has not begun to commit by then rolls back; one already committing is waited for.
 */
const baseProcedure = t.procedure.use(traced(async ({ ctx, type, next }) => {
  let result: Awaited<ReturnType<typeof next>>;
  // A write answered 503 must not commit afterwards (see guardedDatabase); reads need no guard.
  const guard: WriteGuard | undefined = type === "mutation" ? { abandoned: false, committing: false } : undefined;
  const work = guard ? next({ ctx: { db: guardedDatabase(ctx.db, guard, ctx.databaseTimeoutMs) } }) : next();
  try {
    result = await withDeadline(work, ctx.databaseTimeoutMs);
  } catch (deadline) {
    if (!guard?.committing) {
      if (guard) guard.abandoned = true;
      throw unavailable(ctx, deadline);
    }
    try {
      result = await withDeadline(work, ctx.databaseTimeoutMs);
    } catch (stalled) {
      throw unavailable(ctx, stalled);
    }
  }
  if (result.ok) {
    ctx.outage.available();
    return result;
  }
  const cause = result.error.cause;
  if (isDatabaseUnavailable(cause)) throw unavailable(ctx, cause);
  if (isDataException(cause)) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "A value in the request cannot be stored (out of range or contains a NUL character)" });
  }
  if (isConcurrencyFailure(cause)) {
    throw new TRPCError({ code: "CONFLICT", message: "The request collided with a concurrent change; retry it" });
  }
  return result;
}));

/** 503 with Retry-After; the outage is logged once per window, not once per request. */
function unavailable(ctx: Pick<Context, "outage" | "setHeader">, cause: unknown): TRPCError {
  ctx.outage.unavailable(cause);
  ctx.setHeader("Retry-After", String(OUTAGE_RETRY_AFTER_SECONDS));
  return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "The database is unavailable; retry shortly" });
}

/**
 * Anonymous auth endpoints (register, login, refresh, logout). They are exempt from the general request limit
 * because each enforces its own, stricter one.
 */
export const anonymousProcedure = baseProcedure;

/** Counts the request against the general limit: per identity when the caller has one, else per IP. */
async function limit(ctx: Context): Promise<IdentityResult> {
  const result = await ctx.getIdentity();
  const key = result.status === "ok" ? `user:${result.identity.userId}` : `ip:${ctx.ip}`;
  await enforce(ctx, ctx.limiters.requests, key);
  return result;
}

/**
 * The limit, then the caller's identity: 401 UNAUTHORIZED without a valid access token or API key. Authenticated
 * reads (queries, and the errors they answer) are `Cache-Control: private, no-cache`, set first so refusals carry it.
 */
async function authenticate(ctx: Context, type: TRPCProcedureType): Promise<Identity> {
  if (type === "query") privateNoCache(ctx);
  const result = await limit(ctx);
  if (result.status === "anonymous") {
    ctx.observer.authenticationFailed("missing_credentials");
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Authentication required" });
  }
  if (result.status === "invalid") throw new TRPCError({ code: "UNAUTHORIZED", message: result.reason });
  return result.identity;
}

/** A signed-in user, never an API key (403). */
function signedInUser(identity: Identity): UserIdentity {
  if (identity.kind === "api_key") {
    throw new TRPCError({ code: "FORBIDDEN", message: "API keys cannot manage keys, passwords or users" });
  }
  return identity;
}

// Each gate below is one middleware (limit, then 401, then 403, then the Idempotency-Key of a create), not a chain of
// them: tRPC copies its call options at every step of a chain, which measured as the largest cost of its own on a
// `users.me`.

/** Anyone may call it; counts against the general limit, per identity when the caller has one, else per IP. */
export const publicProcedure = baseProcedure.use(async ({ ctx, next }) => {
  await limit(ctx);
  return next();
});

/** Requires a valid access token or API key: 401 UNAUTHORIZED otherwise. */
export const authedProcedure = baseProcedure.use(async (call) => {
  const identity = await authenticate(call.ctx, call.type);
  return idempotently(call, identity, (setHeader) => call.next({ ctx: { identity, setHeader } }));
});

/** For managing keys, passwords and users: an API key is never enough (403). */
export const userProcedure = baseProcedure.use(async (call) => {
  const identity = signedInUser(await authenticate(call.ctx, call.type));
  return idempotently(call, identity, (setHeader) => call.next({ ctx: { identity, setHeader } }));
});

/** Admins only, judged by the role in the database now (403 for anyone else). */
export const adminProcedure = baseProcedure.use(async (call) => {
  const identity = signedInUser(await authenticate(call.ctx, call.type));
  if (identity.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Admin role required" });
  return idempotently(call, identity, (setHeader) => call.next({ ctx: { identity, setHeader } }));
});

/** Signed-in users pass; API keys must carry `scope` (403 otherwise). */
export function scopedProcedure(scope: Scope) {
  return baseProcedure.use(async (call) => {
    const identity = await authenticate(call.ctx, call.type);
    if (identity.kind === "api_key" && !identity.scopes.includes(scope)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This API key lacks the ${scope} scope` });
    }
    return idempotently(call, identity, (setHeader) => call.next({ ctx: { identity, setHeader } }));
  });
}
